/**
 * L1 unstructured pruning against torch.nn.utils.prune.l1_unstructured: the same weights are zeroed in
 * every Linear of the tiny model (LM head excluded), from the masks in the reference fixture.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { loadCheckpoint } from '../../models/variants/build.js';
import { pruneL1Global, pruneL1PerLayer, roundHalfToEven } from '../../models/variants/pruning/index.js';
import { readReference } from '../helpers/reference-fixtures.js';
import { REFERENCE_FIXTURES, tinyModelDir } from '../helpers/tiny-model.js';

const reference = readReference(REFERENCE_FIXTURES);

function unpackMask(bits: string, count: number): Uint8Array {
  const bytes = Buffer.from(bits, 'base64');
  const mask = new Uint8Array(count);
  for (let i = 0; i < count; i++) mask[i] = (bytes[i >> 3] >> (i & 7)) & 1;
  return mask;
}

describe('l1-unstructured pruning', () => {
  it('zeros the same weights as torch on every tiny Linear', async () => {
    const { weights } = loadCheckpoint(await tinyModelDir());
    assert.ok(reference.l1Masks, 'the fixture has no L1 masks');
    const { amount } = reference.l1Masks;
    const layers = Object.entries(reference.l1Masks.layers);
    assert.ok(layers.length > 0, 'the fixture lists no layers');
    for (const [name, expected] of layers) {
      const weight = weights.get(`${name}.weight`);
      assert.ok(weight, `tiny checkpoint has no ${name}.weight`);
      assert.deepEqual(weight.shape, expected.shape, `${name} shape`);
      const pruned = pruneL1PerLayer(weight, amount);
      const mask = unpackMask(expected.bits, pruned.data.length);
      let mismatches = 0;
      let zeros = 0;
      for (let i = 0; i < mask.length; i++) {
        if ((pruned.data[i] === 0) !== (mask[i] === 0)) mismatches++;
        if (pruned.data[i] === 0) zeros++;
      }
      assert.equal(zeros, expected.pruned, `${name}: pruned count`);
      assert.equal(mismatches, 0, `${name}: ${mismatches} positions differ from torch's mask`);
    }
  });

  it('rounds the count half to even like Python', () => {
    assert.equal(roundHalfToEven(0.3 * 589_824), 176_947);
    assert.equal(roundHalfToEven(2.5), 2);
    assert.equal(roundHalfToEven(3.5), 4);
    assert.equal(roundHalfToEven(2.4999), 2);
  });

  it('global scope prunes the smallest magnitudes across layers', () => {
    const small = { shape: [2, 2], data: Float32Array.of(0.1, -0.2, 0.3, 0.4) };
    const large = { shape: [2, 2], data: Float32Array.of(1, -2, 0.05, 4) };
    const [a, b] = pruneL1Global([small, large], 0.5);
    assert.deepEqual([...a.data], [0, 0, 0, Math.fround(0.4)]);
    assert.deepEqual([...b.data], [1, -2, 0, 4]);
  });

  it('leaves the original weights untouched', () => {
    const weight = { shape: [1, 4], data: Float32Array.of(1, 2, 3, 4) };
    pruneL1PerLayer(weight, 0.5);
    assert.deepEqual([...weight.data], [1, 2, 3, 4]);
  });
});

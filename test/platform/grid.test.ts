import assert from 'node:assert/strict';
import { test } from 'node:test';

import { variantHash } from '../../models/index.js';
import { HttpError } from '../../apps/platform/errors.js';
import { expandGrid, gridSize } from '../../apps/platform/services/grid.js';
import { gridSchema } from '../../apps/platform/services/requests.js';

const grid = (input: unknown) => gridSchema.parse(input);

test('grid expands quantization × pruning', () => {
  const variants = expandGrid(grid({ quantization: ['none', 'int8-dynamic'], pruning: { method: ['none', 'l1-unstructured', 'neurons'], amount: [0.1, 0.3] } }), 100);
  // none once, plus two methods × two amounts, for each of two quantizations.
  assert.equal(variants.length, 10);
  assert.equal(new Set(variants.map(variantHash)).size, 10);
  const pruned = variants.filter((variant) => variant.pruning.length === 1);
  assert.deepEqual(
    pruned.map((variant) => `${variant.quantization.method}/${variant.pruning[0].method}/${variant.pruning[0].amount}`).sort(),
    ['int8-dynamic/l1-unstructured/0.1', 'int8-dynamic/l1-unstructured/0.3', 'int8-dynamic/neurons/0.1', 'int8-dynamic/neurons/0.3', 'none/l1-unstructured/0.1', 'none/l1-unstructured/0.3', 'none/neurons/0.1', 'none/neurons/0.3'],
  );
});

test('grid crosses decoding and runtime axes', () => {
  const input = grid({ decoding: [{ strategy: 'greedy' }, { strategy: 'beam', numBeams: 3 }], runtime: [{ threads: 1 }, { threads: 2 }] });
  assert.equal(gridSize(input), 4);
  const variants = expandGrid(input, 100);
  assert.equal(variants.length, 4);
  assert.deepEqual(variants.map((variant) => `${variant.decoding.strategy}/${variant.runtime.threads}`).sort(), ['beam/1', 'beam/2', 'greedy/1', 'greedy/2']);
});

test('grid drops duplicate variants', () => {
  const variants = expandGrid(grid({ quantization: ['none', { method: 'none' }], pruning: { method: ['none'], amount: [0.1, 0.2] } }), 100);
  assert.equal(variants.length, 1);
});

test('grid past the limit is rejected before expansion', () => {
  assert.throws(
    () => expandGrid(grid({ quantization: ['none', 'int8-dynamic', 'int4-weight-only'], pruning: { method: ['heads', 'neurons'], amount: [0.1, 0.2] } }), 11),
    (error: unknown) => error instanceof HttpError && error.status === 422 && /grid expands to 12 variants, above the limit of 11/.test(error.message),
  );
});

test('invalid decoding entry names its index', () => {
  assert.throws(
    () => expandGrid(grid({ decoding: [{ strategy: 'greedy' }, { strategy: 'beam', numBeams: 99 }] }), 100),
    (error: unknown) => error instanceof HttpError && error.status === 400 && /^grid\.decoding\[1\]\.numBeams: /.test(error.message),
  );
});

test('grid schema rejects unknown axes', () => {
  assert.throws(() => grid({ colour: ['red'] }), /colour/);
});

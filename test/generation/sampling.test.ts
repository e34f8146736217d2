import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { generate } from '../../models/generation/index.js';
import { SeededRandom } from '../../models/generation/seeded-random.js';
import { HistoryDecoder, toyDecoder, type ToyTable } from './toy-decoder.js';

const EOS = 3;
const TABLE: ToyTable = { vocabSize: 12, seed: 4, eosTokenId: EOS, eosBias: -1 };

async function sampleIds(seed: number, extra: Record<string, number> = {}): Promise<number[]> {
  const result = await generate(toyDecoder(TABLE), [11, 5], { strategy: 'sample', eosTokenId: EOS, maxLength: 16, seed, ...extra });
  return result.tokenIds;
}

describe('sampling', () => {
  it('same seed gives the same tokens', async () => {
    for (const seed of [0, 1, 12345]) {
      assert.deepEqual(await sampleIds(seed), await sampleIds(seed));
    }
  });

  it('different seeds give different tokens', async () => {
    const outputs = new Set<string>();
    for (let seed = 0; seed < 6; seed++) outputs.add((await sampleIds(seed)).join(','));
    assert.ok(outputs.size >= 4, `${outputs.size} distinct outputs of 6`);
  });

  it('topK 1 equals greedy', async () => {
    const greedy = await generate(toyDecoder(TABLE), [11, 5], { eosTokenId: EOS, maxLength: 16 });
    for (const seed of [0, 7, 99]) {
      assert.deepEqual(await sampleIds(seed, { topK: 1 }), greedy.tokenIds);
    }
  });

  it('tiny topP equals greedy', async () => {
    const greedy = await generate(toyDecoder(TABLE), [11, 5], { eosTokenId: EOS, maxLength: 16 });
    assert.deepEqual(await sampleIds(3, { topP: 1e-6, topK: 0 }), greedy.tokenIds);
  });

  it('draws follow the softmax probabilities', async () => {
    // Tokens 0..2 have probabilities 0.5, 0.3, 0.2; token 3 is the stop token, masked by forceNewTokens.
    const logits = Float32Array.from([0.5, 0.3, 0.2, 0.5].map(Math.log));
    const draws = 400;
    const counts = [0, 0, 0, 0];
    for (const seed of [1, 2, 3, 4, 5]) {
      const decoder = new HistoryDecoder(4, () => logits);
      const result = await generate(decoder, [0], { strategy: 'sample', eosTokenId: EOS, forceNewTokens: draws, topK: 0, seed });
      for (const token of result.tokenIds.slice(1)) counts[token]++;
    }
    const total = draws * 5;
    // Three standard deviations of a frequency over 2000 draws are below 0.034.
    assert.ok(Math.abs(counts[0] / total - 0.5) < 0.034, counts.join(','));
    assert.ok(Math.abs(counts[1] / total - 0.3) < 0.034, counts.join(','));
    assert.ok(Math.abs(counts[2] / total - 0.2) < 0.034, counts.join(','));
    assert.equal(counts[3], 0);
  });

  it('top-k 2 never draws the third token', async () => {
    const logits = Float32Array.from([0.4, 0.35, 0.25, 0].map(Math.log));
    const decoder = new HistoryDecoder(4, () => logits);
    const result = await generate(decoder, [0], { strategy: 'sample', eosTokenId: EOS, forceNewTokens: 200, topK: 2, seed: 8 });
    assert.ok(!result.tokenIds.slice(1).includes(2));
  });
});

describe('seeded random', () => {
  it('is deterministic and in [0, 1)', () => {
    const first = new SeededRandom(42);
    const second = new SeededRandom(42);
    let sum = 0;
    for (let index = 0; index < 10000; index++) {
      const value = first.nextFloat();
      assert.equal(value, second.nextFloat());
      assert.ok(value >= 0, `${value} >= 0`);
      assert.ok(value < 1, `${value} < 1`);
      sum += value;
    }
    assert.ok(Math.abs(sum / 10000 - 0.5) < 0.02, `mean ${sum / 10000}`);
  });

  it('neighbouring seeds differ', () => {
    assert.notEqual(new SeededRandom(0).nextUint32(), new SeededRandom(1).nextUint32());
  });

  it('rejects a seed outside 32 bits', () => {
    assert.throws(() => new SeededRandom(-1), (error: Error) => error instanceof RangeError && /seed/.test(error.message));
    assert.throws(() => new SeededRandom(2 ** 32), RangeError);
  });
});

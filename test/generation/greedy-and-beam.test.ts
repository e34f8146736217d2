import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { generate, parseDecodingOptions } from '../../models/generation/index.js';
import { resolveLengthLimits } from '../../models/generation/length-limits.js';
import { beamSearch } from '../../models/generation/strategies/beam-search.js';
import { greedySearch } from '../../models/generation/strategies/greedy.js';
import { argmax } from '../../models/generation/score-math.js';
import { HistoryDecoder, toyDecoder, toyLogits, type ToyTable } from './toy-decoder.js';

const EOS = 3;
const TABLES: ToyTable[] = [
  { vocabSize: 12, seed: 1, eosTokenId: EOS, eosBias: 0.5 },
  { vocabSize: 12, seed: 4, eosTokenId: EOS, eosBias: -1.0 },
  { vocabSize: 12, seed: 222, eosTokenId: EOS, eosBias: 1.0 },
  { vocabSize: 40, seed: 7, eosTokenId: EOS, eosBias: 1.5 },
];
/** Found by search: the early-stopping modes and length penalties change the caption on this table. */
const STOP_MODES_TABLE: ToyTable = { vocabSize: 12, seed: 222, eosTokenId: EOS, eosBias: 1.0 };
const PENALTIES_TABLE: ToyTable = { vocabSize: 12, seed: 27, eosTokenId: EOS, eosBias: 0.0 };

/**
 * A hand-made decoder where greedy search is not optimal. Tokens: 0 [PAD], 1 stop, 2 A, 3 B, 4 start.
 * Greedy takes A (0.5) and then stops (0.4): probability 0.2. Starting with B (0.4) and stopping (0.9) gives 0.36.
 */
const HAND_EOS = 1;
function handDecoder(): HistoryDecoder {
  const table: Record<string, number[]> = {
    '4': [0, 0.1, 0.5, 0.4, 0],
    '4,2': [0, 0.4, 0.3, 0.3, 0],
    '4,3': [0, 0.9, 0.05, 0.05, 0],
  };
  return new HistoryDecoder(5, (tokens) => {
    const probabilities = table[tokens.join(',')] ?? [0.25, 0.25, 0.25, 0.25, 0];
    return Float32Array.from(probabilities, Math.log);
  });
}

describe('greedy search', () => {
  it('picks the argmax at every step', async () => {
    for (const table of TABLES) {
      const result = await generate(toyDecoder(table), [11, 5], { eosTokenId: EOS, maxLength: 16 });
      for (let position = 2; position < result.tokenIds.length; position++) {
        const expected = argmax(toyLogits(table, result.tokenIds.slice(0, position)));
        assert.equal(result.tokenIds[position], expected, `position ${position}`);
      }
    }
  });

  it('breaks ties by the first index', async () => {
    const decoder = new HistoryDecoder(6, () => Float32Array.from([0, 1, 0, 5, 5, 5]));
    const result = await generate(decoder, [0], { eosTokenId: 1, maxNewTokens: 3 });
    assert.deepEqual(result.tokenIds, [0, 3, 3, 3]);
  });

  it('feeds the prompt once, then one token per step', async () => {
    const decoder = toyDecoder(TABLES[1]);
    const result = await generate(decoder, [11, 5, 7], { eosTokenId: EOS, maxLength: 14 });
    assert.equal(result.steps, result.newTokens);
    assert.equal(decoder.stepCalls, result.steps);
    assert.deepEqual(decoder.fedCounts, [3, ...Array(result.steps - 1).fill(1)]);
    assert.equal(decoder.reorderCalls, 0);
  });

  it('stops on the stop token and keeps it', async () => {
    const result = await generate(handDecoder(), [4], { eosTokenId: HAND_EOS, maxLength: 10 });
    assert.deepEqual(result.tokenIds, [4, 2, HAND_EOS]);
  });
});

describe('beam search', () => {
  it('beats greedy on the hand-checked table', async () => {
    const result = await generate(handDecoder(), [4], { strategy: 'beam', numBeams: 2, eosTokenId: HAND_EOS, maxLength: 10 });
    assert.deepEqual(result.tokenIds, [4, 3, HAND_EOS]);
    // Two generated tokens, length penalty 1: log(0.4 × 0.9) / 2.
    assert.ok(Math.abs((result.score ?? 0) - Math.log(0.36) / 2) < 1e-6, `score ${result.score}`);
    // After step 2 both finished hypotheses beat the best open beam (log 0.15 / 2), so the search ends.
    assert.equal(result.steps, 2);
  });

  it('length penalty 0 scores the plain log-probability', async () => {
    const result = await generate(handDecoder(), [4], { strategy: 'beam', numBeams: 2, eosTokenId: HAND_EOS, maxLength: 10, lengthPenalty: 0 });
    assert.deepEqual(result.tokenIds, [4, 3, HAND_EOS]);
    assert.ok(Math.abs((result.score ?? 0) - Math.log(0.36)) < 1e-6, `score ${result.score}`);
  });

  it('numBeams 1 runs like greedy', async () => {
    for (const table of TABLES) {
      const options = parseDecodingOptions({ strategy: 'beam', numBeams: 1, eosTokenId: EOS, maxLength: 16 });
      const limits = resolveLengthLimits(2, options);
      const beam = await beamSearch(toyDecoder(table), [11, 5], options, limits);
      const greedy = await greedySearch(toyDecoder(table), [11, 5], options, limits);
      assert.deepEqual(beam.tokenIds, greedy.tokenIds, `table seed ${table.seed}`);
    }
  });

  it('strategy beam with numBeams 1 equals greedy', async () => {
    const beam = await generate(toyDecoder(TABLES[0]), [11, 5], { strategy: 'beam', numBeams: 1, eosTokenId: EOS, maxLength: 16 });
    const greedy = await generate(toyDecoder(TABLES[0]), [11, 5], { eosTokenId: EOS, maxLength: 16 });
    assert.deepEqual(beam.tokenIds, greedy.tokenIds);
  });

  it('expands one row and reorders every step', async () => {
    const decoder = toyDecoder(TABLES[1]);
    const result = await generate(decoder, [11, 5], { strategy: 'beam', numBeams: 3, eosTokenId: EOS, maxLength: 14 });
    assert.equal(decoder.stepCalls, result.steps);
    assert.equal(decoder.reorderCalls, result.steps - 1);
    assert.deepEqual(decoder.fedCounts, [2, ...Array(result.steps - 1).fill(1)]);
    assert.equal(decoder.rows.length, 3);
  });

  it('longer captions win as the length penalty grows', async () => {
    const lengths: number[] = [];
    for (const lengthPenalty of [-1, 0, 1, 2]) {
      const result = await generate(toyDecoder(PENALTIES_TABLE), [11, 5], { strategy: 'beam', numBeams: 3, eosTokenId: EOS, maxLength: 14, lengthPenalty });
      lengths.push(result.newTokens);
    }
    assert.deepEqual(lengths, [...lengths].sort((left, right) => left - right));
    assert.ok(lengths[0] < lengths[3], `lengths ${lengths.join(', ')}`);
  });

  it('early stopping true stops soonest and never latest', async () => {
    const steps: Record<string, number> = {};
    for (const earlyStopping of [true, false, 'never'] as const) {
      const result = await generate(toyDecoder(STOP_MODES_TABLE), [11, 5], { strategy: 'beam', numBeams: 3, eosTokenId: EOS, maxLength: 14, earlyStopping });
      steps[String(earlyStopping)] = result.steps;
    }
    assert.ok(steps.true < steps.false, JSON.stringify(steps));
    assert.ok(steps.false < steps.never, JSON.stringify(steps));
    assert.equal(steps.never, 12, 'never runs to the maximum length here');
  });

  it('max length ends every beam', async () => {
    const table: ToyTable = { vocabSize: 12, seed: 9, eosTokenId: EOS, eosBias: -100 };
    const result = await generate(toyDecoder(table), [11], { strategy: 'beam', numBeams: 4, eosTokenId: EOS, maxLength: 8 });
    assert.equal(result.tokenIds.length, 8);
    assert.ok(!result.tokenIds.includes(EOS));
  });
});

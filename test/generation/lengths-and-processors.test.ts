import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { DEFAULT_MAX_NEW_TOKENS, generate } from '../../models/generation/index.js';
import { minLength } from '../../models/generation/processors/min-length.js';
import { noRepeatNgram } from '../../models/generation/processors/no-repeat-ngram.js';
import { repetitionPenalty } from '../../models/generation/processors/repetition-penalty.js';
import { temperature } from '../../models/generation/processors/temperature.js';
import { topK } from '../../models/generation/processors/top-k.js';
import { topP } from '../../models/generation/processors/top-p.js';
import { toyDecoder, type ToyTable } from './toy-decoder.js';

const EOS = 3;
/** The stop token always wins unless masked. */
const EAGER_STOP: ToyTable = { vocabSize: 12, seed: 5, eosTokenId: EOS, eosBias: 100 };
/** The stop token never wins. */
const NEVER_STOP: ToyTable = { vocabSize: 12, seed: 5, eosTokenId: EOS, eosBias: -100 };

function processed(processor: (tokens: readonly number[], scores: Float64Array) => void, tokens: number[], scores: number[]): number[] {
  const values = Float64Array.from(scores);
  processor(tokens, values);
  return Array.from(values);
}

describe('length limits', () => {
  for (const strategy of ['greedy', 'beam', 'sample'] as const) {
    it(`${strategy} stops at maxLength`, async () => {
      const result = await generate(toyDecoder(NEVER_STOP), [11, 5], { strategy, eosTokenId: EOS, maxLength: 9 });
      assert.equal(result.tokenIds.length, 9);
      assert.equal(result.newTokens, 7);
    });

    it(`${strategy} forceNewTokens ignores an eager stop token`, async () => {
      const decoder = toyDecoder(EAGER_STOP);
      const result = await generate(decoder, [11, 5], { strategy, eosTokenId: EOS, forceNewTokens: 6, maxNewTokens: 2 });
      assert.equal(result.newTokens, 6);
      assert.ok(!result.tokenIds.includes(EOS));
      assert.equal(result.steps, 6);
    });

    it(`${strategy} minNewTokens masks the stop token`, async () => {
      const result = await generate(toyDecoder(EAGER_STOP), [11, 5], { strategy, eosTokenId: EOS, minNewTokens: 4, maxLength: 16 });
      assert.equal(result.newTokens, 5);
      assert.equal(result.tokenIds.at(-1), EOS);
      assert.equal(result.tokenIds.indexOf(EOS), 6);
    });
  }

  it('minLength counts the prompt', async () => {
    const result = await generate(toyDecoder(EAGER_STOP), [11, 5], { eosTokenId: EOS, minLength: 4, maxLength: 16 });
    assert.deepEqual(result.tokenIds.length, 5);
    assert.equal(result.tokenIds.at(-1), EOS);
  });

  it('maxNewTokens wins over maxLength', async () => {
    const result = await generate(toyDecoder(NEVER_STOP), [11, 5, 7], { eosTokenId: EOS, maxLength: 5, maxNewTokens: 8 });
    assert.equal(result.newTokens, 8);
  });

  it('default is 20 new tokens after the prompt', async () => {
    assert.equal(DEFAULT_MAX_NEW_TOKENS, 20);
    const result = await generate(toyDecoder(NEVER_STOP), [11, 5, 7, 1], { eosTokenId: EOS });
    assert.equal(result.newTokens, DEFAULT_MAX_NEW_TOKENS);
  });

  it('prompt at maxLength is a RangeError naming maxLength', async () => {
    await assert.rejects(generate(toyDecoder(NEVER_STOP), [11, 5, 7], { eosTokenId: EOS, maxLength: 3 }), (error: Error) => {
      assert.ok(error instanceof RangeError);
      assert.match(error.message, /maxLength \(3\)/);
      return true;
    });
  });

  it('more than 512 positions is a RangeError', async () => {
    const prompt = Array.from({ length: 20 }, (_, index) => index % 12);
    await assert.rejects(generate(toyDecoder(NEVER_STOP), prompt, { eosTokenId: EOS, maxNewTokens: 500 }), (error: Error) => error instanceof RangeError && /512 positions/.test(error.message));
  });
});

describe('logits processors', () => {
  it('repetition penalty scales seen tokens once', () => {
    assert.deepEqual(processed(repetitionPenalty(2), [0, 1, 1, 9], [2, -2, 1, 0.5]), [1, -4, 1, 0.5]);
  });

  it('repetition penalty below one favours repeats', () => {
    assert.deepEqual(processed(repetitionPenalty(0.5), [2], [2, -2, 1, 0.5]), [2, -2, 2, 0.5]);
  });

  it('no-repeat trigram bans a repeat', () => {
    const scores = [0, 0, 0, 0, 0];
    assert.deepEqual(processed(noRepeatNgram(3), [1, 2, 3, 1, 2], scores), [0, 0, 0, -Infinity, 0]);
  });

  it('no-repeat bigram bans seen followers', () => {
    assert.deepEqual(processed(noRepeatNgram(2), [2, 3, 1, 2, 4, 1, 2], [0, 0, 0, 0, 0]), [0, 0, 0, -Infinity, -Infinity]);
  });

  it('no-repeat unigram bans every token seen', () => {
    assert.deepEqual(processed(noRepeatNgram(1), [1, 4], [0, 0, 0, 0, 0]), [0, -Infinity, 0, 0, -Infinity]);
  });

  it('no-repeat waits for a full n-gram', () => {
    assert.deepEqual(processed(noRepeatNgram(3), [1, 1], [0, 0, 0]), [0, 0, 0]);
  });

  it('min length masks stop while short', () => {
    assert.deepEqual(processed(minLength(3, 1), [5, 6], [1, 2, 3]), [1, -Infinity, 3]);
    assert.deepEqual(processed(minLength(3, 1), [5, 6, 7], [1, 2, 3]), [1, 2, 3]);
  });

  it('temperature divides the scores', () => {
    assert.deepEqual(processed(temperature(0.5), [], [1, -2, 0]), [2, -4, 0]);
  });

  it('top-k keeps the k best and their ties', () => {
    assert.deepEqual(processed(topK(2), [], [1, 3, 2, 0]), [-Infinity, 3, 2, -Infinity]);
    assert.deepEqual(processed(topK(2), [], [1, 3, 2, 3]), [-Infinity, 3, -Infinity, 3]);
    assert.deepEqual(processed(topK(9), [], [1, 3]), [1, 3]);
  });

  it('top-p keeps the smallest set reaching p', () => {
    const scores = [0.5, 0.3, 0.15, 0.05].map(Math.log);
    const keep = (p: number) => processed(topP(p), [], scores).map((value) => value !== -Infinity);
    assert.deepEqual(keep(0.75), [true, true, false, false]);
    assert.deepEqual(keep(0.81), [true, true, true, false]);
    assert.deepEqual(keep(1.0), [true, true, true, true]);
    assert.deepEqual(keep(0.01), [true, false, false, false]);
  });

  it('repetition penalty changes greedy output', async () => {
    const table: ToyTable = { vocabSize: 12, seed: 4, eosTokenId: EOS, eosBias: -1 };
    const plain = await generate(toyDecoder(table), [11, 5], { eosTokenId: EOS, maxLength: 16 });
    const penalized = await generate(toyDecoder(table), [11, 5], { eosTokenId: EOS, maxLength: 16, repetitionPenalty: 100 });
    assert.equal(plain.tokenIds[2], 11, 'without the penalty the table repeats the prompt');
    assert.ok(![11, 5].includes(penalized.tokenIds[2]), 'prompt tokens are penalized too');
    assert.notDeepEqual(penalized.tokenIds, plain.tokenIds);
  });

  it('no-repeat bigram leaves no bigram twice in greedy output', async () => {
    const table: ToyTable = { vocabSize: 12, seed: 4, eosTokenId: EOS, eosBias: -1 };
    const result = await generate(toyDecoder(table), [11, 5], { eosTokenId: EOS, maxLength: 30, noRepeatNgramSize: 2 });
    const bigrams = result.tokenIds.slice(1).map((token, index) => `${result.tokenIds[index]},${token}`);
    assert.equal(new Set(bigrams).size, bigrams.length, bigrams.join(' '));
  });
});

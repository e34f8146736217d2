import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  DecodingOptionsError,
  decodingSchema,
  generate,
  parseDecodingOptions,
  type DecoderStep,
} from '../../models/generation/index.js';
import { toyDecoder } from './toy-decoder.js';

const TABLE = { vocabSize: 12, seed: 1, eosTokenId: 3, eosBias: 0 };

function rejectsNaming(input: unknown, field: string, pattern?: RegExp) {
  assert.throws(() => parseDecodingOptions(input), (error: Error) => {
    assert.ok(error instanceof DecodingOptionsError, `${error.name}: ${error.message}`);
    assert.ok(error instanceof RangeError);
    assert.ok(error.message.includes(field), `message names ${field}: ${error.message}`);
    if (pattern) assert.match(error.message, pattern);
    return true;
  });
}

describe('decoding schema', () => {
  it('fills the transformers defaults', () => {
    const options = parseDecodingOptions({});
    assert.equal(options.strategy, 'greedy');
    assert.equal(options.numBeams, 1);
    assert.equal(options.maxLength, undefined);
    assert.equal(options.minLength, 0);
    assert.equal(options.eosTokenId, 102);
    assert.equal(options.padTokenId, 0);
    assert.equal(options.repetitionPenalty, 1);
    assert.equal(options.noRepeatNgramSize, 0);
    assert.equal(options.lengthPenalty, 1);
    assert.equal(options.earlyStopping, false);
    assert.equal(options.topK, 50);
    assert.equal(options.topP, 1);
    assert.equal(options.temperature, 1);
    assert.equal(options.seed, 0);
  });

  it('beam strategy defaults to 3 beams', () => {
    assert.equal(parseDecodingOptions({ strategy: 'beam' }).numBeams, 3);
    assert.equal(parseDecodingOptions({ strategy: 'beam', numBeams: 5 }).numBeams, 5);
  });

  it('is usable as a zod schema', () => {
    assert.equal(decodingSchema.safeParse({ topK: -1 }).success, false);
    assert.equal(decodingSchema.parse({ earlyStopping: 'never' }).earlyStopping, 'never');
  });

  it('rejects numBeams outside 1..16', () => {
    rejectsNaming({ strategy: 'beam', numBeams: 0 }, 'numBeams', /from 1 to 16; got 0/);
    rejectsNaming({ strategy: 'beam', numBeams: 17 }, 'numBeams', /got 17/);
    rejectsNaming({ strategy: 'beam', numBeams: 2.5 }, 'numBeams', /got 2\.5/);
  });

  it('rejects numBeams with another strategy', () => {
    rejectsNaming({ strategy: 'greedy', numBeams: 4 }, 'numBeams', /strategy 'beam'/);
  });

  it('rejects bad sampling settings', () => {
    rejectsNaming({ topK: -1 }, 'topK');
    rejectsNaming({ topP: 0 }, 'topP', /\(0, 1\]/);
    rejectsNaming({ topP: 1.5 }, 'topP');
    rejectsNaming({ temperature: 0 }, 'temperature', /> 0/);
    rejectsNaming({ temperature: Number.POSITIVE_INFINITY }, 'temperature');
    rejectsNaming({ seed: -3 }, 'seed');
  });

  it('rejects bad lengths and penalties', () => {
    rejectsNaming({ maxNewTokens: 0 }, 'maxNewTokens', /from 1 to 512/);
    rejectsNaming({ maxNewTokens: 513 }, 'maxNewTokens');
    rejectsNaming({ forceNewTokens: 0 }, 'forceNewTokens');
    rejectsNaming({ minNewTokens: -1 }, 'minNewTokens');
    rejectsNaming({ repetitionPenalty: 0 }, 'repetitionPenalty', /> 0/);
    rejectsNaming({ noRepeatNgramSize: -2 }, 'noRepeatNgramSize');
    rejectsNaming({ lengthPenalty: Number.NaN }, 'lengthPenalty');
  });

  it('rejects bad kinds and unknown fields', () => {
    rejectsNaming({ strategy: 'nucleus' }, 'strategy', /'greedy', 'beam', 'sample'/);
    rejectsNaming({ earlyStopping: 'sometimes' }, 'earlyStopping', /'never'/);
    rejectsNaming({ numBeams: '3' }, 'numBeams');
    rejectsNaming({ beams: 3 }, 'beams', /Unknown decoding option/);
    rejectsNaming('greedy', 'must be an object');
  });

  it('lists every bad field at once', () => {
    rejectsNaming({ topK: -1, temperature: -1 }, 'topK', /temperature/);
  });
});

describe('generate bad calls', () => {
  it('rejects an empty prompt', async () => {
    await assert.rejects(generate(toyDecoder(TABLE), [], { eosTokenId: 3 }), (error: Error) => error instanceof TypeError && /prompt/.test(error.message));
  });

  it('rejects a prompt id outside the vocabulary', async () => {
    await assert.rejects(generate(toyDecoder(TABLE), [1, 12], { eosTokenId: 3 }), (error: Error) => error instanceof RangeError && /prompt\[1\] is 12/.test(error.message));
  });

  it('rejects a stop token outside the vocabulary', async () => {
    await assert.rejects(generate(toyDecoder(TABLE), [1], {}), (error: Error) => error instanceof RangeError && /eosTokenId 102/.test(error.message));
  });

  it('rejects invalid options before decoding', async () => {
    const decoder = toyDecoder(TABLE);
    await assert.rejects(generate(decoder, [1], { eosTokenId: 3, topP: 2 }), DecodingOptionsError);
    assert.equal(decoder.stepCalls, 0);
  });

  it('rejects a wrong logits length', async () => {
    const broken: DecoderStep = {
      vocabSize: 12,
      step: async () => new Float32Array(5),
      reorder: () => undefined,
    };
    await assert.rejects(generate(broken, [1], { eosTokenId: 3 }), (error: Error) => error instanceof RangeError && /DecoderStep\.step returned 5 values/.test(error.message));
  });

  it('rejects a decoder without a vocabulary size', async () => {
    const broken = { vocabSize: 0, step: async () => new Float32Array(0), reorder: () => undefined };
    await assert.rejects(generate(broken, [0], { eosTokenId: 0 }), (error: Error) => error instanceof RangeError && /vocabSize/.test(error.message));
  });
});

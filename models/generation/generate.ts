import { parseDecodingOptions } from './decoding-schema.js';
import { resolveLengthLimits } from './length-limits.js';
import { beamSearch } from './strategies/beam-search.js';
import { greedySearch } from './strategies/greedy.js';
import { sample } from './strategies/sample.js';
import type { DecoderStep, DecodingOptions, GenerationOutput } from './types.js';

function checkDecoder(decoder: DecoderStep): void {
  if (decoder === null || typeof decoder !== 'object' || typeof decoder.step !== 'function' || typeof decoder.reorder !== 'function') {
    throw new TypeError('decoder must implement DecoderStep: a step(tokens) method, a reorder(rows) method and vocabSize.');
  }
  if (!Number.isInteger(decoder.vocabSize) || decoder.vocabSize < 2) {
    throw new RangeError(`decoder.vocabSize must be an integer >= 2; got ${String(decoder.vocabSize)}.`);
  }
}

function checkPrompt(prompt: readonly number[], vocabSize: number): void {
  if (!Array.isArray(prompt) || prompt.length === 0) {
    throw new TypeError('prompt must be a non-empty array of token ids; BLIP prompts start with the decoder start token.');
  }
  const badIndex = prompt.findIndex((id) => !Number.isInteger(id) || id < 0 || id >= vocabSize);
  if (badIndex >= 0) {
    throw new RangeError(`prompt[${badIndex}] is ${String(prompt[badIndex])}; token ids must be integers from 0 to ${vocabSize - 1}.`);
  }
}

/**
 * Generates a continuation of `prompt` with the decoder, following transformers' generate for the chosen
 * strategy. Beam search with numBeams 1 runs greedy search, as transformers does for num_beams=1.
 * Throws DecodingOptionsError for invalid options and RangeError for a prompt or decoder that cannot work.
 */
export async function generate(decoder: DecoderStep, prompt: number[], options: DecodingOptions = {}): Promise<GenerationOutput> {
  const resolved = parseDecodingOptions(options);
  checkDecoder(decoder);
  checkPrompt(prompt, decoder.vocabSize);
  if (resolved.eosTokenId >= decoder.vocabSize) {
    throw new RangeError(`eosTokenId ${resolved.eosTokenId} is outside the decoder's vocabulary of ${decoder.vocabSize} ids.`);
  }
  const limits = resolveLengthLimits(prompt.length, resolved);

  switch (resolved.strategy) {
    case 'greedy':
      return greedySearch(decoder, prompt, resolved, limits);
    case 'sample':
      return sample(decoder, prompt, resolved, limits);
    case 'beam':
      return resolved.numBeams === 1
        ? greedySearch(decoder, prompt, resolved, limits)
        : beamSearch(decoder, prompt, resolved, limits);
  }
}

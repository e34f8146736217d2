import type { LengthLimits } from '../length-limits.js';
import { applyProcessors, buildLogitsProcessors } from '../processors/build-processors.js';
import { argmax } from '../score-math.js';
import type { DecoderStep, GenerationOutput, ResolvedDecodingOptions } from '../types.js';
import { searchOneRow } from './one-row-search.js';

/** Greedy search: the processors run on the raw logits, then the argmax (first index among ties) is taken. */
export function greedySearch(
  decoder: DecoderStep,
  prompt: readonly number[],
  options: ResolvedDecodingOptions,
  limits: LengthLimits,
): Promise<GenerationOutput> {
  const processors = buildLogitsProcessors(options, limits);
  return searchOneRow(decoder, prompt, limits, options.eosTokenId, (tokens, logits) => {
    const scores = Float64Array.from(logits);
    applyProcessors(processors, tokens, scores);
    return argmax(scores);
  });
}

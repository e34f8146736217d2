import type { LengthLimits } from '../length-limits.js';
import type { ResolvedDecodingOptions } from '../types.js';
import type { LogitsProcessor } from './logits-processor.js';
import { minLength } from './min-length.js';
import { noRepeatNgram } from './no-repeat-ngram.js';
import { repetitionPenalty } from './repetition-penalty.js';
import { temperature } from './temperature.js';
import { topK } from './top-k.js';
import { topP } from './top-p.js';

/**
 * Builds the processors that every strategy applies, in the order of transformers' _get_logits_processor:
 * repetition penalty, no-repeat n-gram, then the minimum length. Processors left at their neutral value are
 * not added, as there.
 */
export function buildLogitsProcessors(options: ResolvedDecodingOptions, limits: LengthLimits): LogitsProcessor[] {
  const processors: LogitsProcessor[] = [];
  if (options.repetitionPenalty !== 1.0) processors.push(repetitionPenalty(options.repetitionPenalty));
  if (options.noRepeatNgramSize > 0) processors.push(noRepeatNgram(options.noRepeatNgramSize));
  if (limits.minLength > 0) processors.push(minLength(limits.minLength, options.eosTokenId));
  return processors;
}

/**
 * Builds the warpers that only sampling applies after the processors, in transformers' order: temperature, top-k,
 * top-p, each keeping at least one token.
 */
export function buildSamplingWarpers(options: ResolvedDecodingOptions): LogitsProcessor[] {
  const warpers: LogitsProcessor[] = [];
  if (options.temperature !== 1.0) warpers.push(temperature(options.temperature));
  if (options.topK !== 0) warpers.push(topK(options.topK));
  if (options.topP < 1.0) warpers.push(topP(options.topP));
  return warpers;
}

/** Applies the processors in order to one row's scores. */
export function applyProcessors(processors: readonly LogitsProcessor[], tokens: readonly number[], scores: Float64Array): void {
  for (const processor of processors) processor(tokens, scores);
}

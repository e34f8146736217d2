import type { LengthLimits } from '../length-limits.js';
import { applyProcessors, buildLogitsProcessors, buildSamplingWarpers } from '../processors/build-processors.js';
import { softmax } from '../score-math.js';
import { SeededRandom } from '../seeded-random.js';
import type { DecoderStep, GenerationOutput, ResolvedDecodingOptions } from '../types.js';
import { searchOneRow } from './one-row-search.js';

/** Draws an index with the given probabilities (they sum to 1) from a uniform number in [0, 1). */
function drawIndex(probabilities: Float64Array, uniform: number): number {
  let total = 0;
  for (const probability of probabilities) total += probability;
  const target = uniform * total;
  let cumulative = 0;
  let last = 0;
  for (let index = 0; index < probabilities.length; index++) {
    if (probabilities[index] === 0) continue;
    cumulative += probabilities[index];
    last = index;
    if (cumulative > target) return index;
  }
  // Rounding can leave the sum a hair below target; the last token with any probability is then drawn.
  return last;
}

/**
 * Multinomial sampling: processors, then temperature, top-k and top-p on the logits, softmax, and one draw
 * from a generator seeded with options.seed.
 * NOTE: the draws come from SeededRandom, not torch's generator, so a seed reproduces this implementation's
 * captions but not those of transformers with torch.manual_seed(seed).
 */
export function sample(
  decoder: DecoderStep,
  prompt: readonly number[],
  options: ResolvedDecodingOptions,
  limits: LengthLimits,
): Promise<GenerationOutput> {
  const processors = [...buildLogitsProcessors(options, limits), ...buildSamplingWarpers(options)];
  const random = new SeededRandom(options.seed);
  return searchOneRow(decoder, prompt, limits, options.eosTokenId, (tokens, logits) => {
    const scores = Float64Array.from(logits);
    applyProcessors(processors, tokens, scores);
    return drawIndex(softmax(scores), random.nextFloat());
  });
}

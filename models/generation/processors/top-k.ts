import type { LogitsProcessor } from './logits-processor.js';

/**
 * transformers' TopKLogitsWarper: scores below the k-th largest become -Infinity. Ties with the k-th score
 * are kept, so more than k tokens may remain.
 */
export function topK(k: number, minTokensToKeep = 1): LogitsProcessor {
  const keep = Math.max(k, minTokensToKeep);
  return (_tokens, scores) => {
    const count = Math.min(keep, scores.length);
    const threshold = Float64Array.from(scores).sort()[scores.length - count];
    for (let index = 0; index < scores.length; index++) {
      if (scores[index] < threshold) scores[index] = -Infinity;
    }
  };
}

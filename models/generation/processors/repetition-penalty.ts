import type { LogitsProcessor } from './logits-processor.js';

/**
 * transformers' RepetitionPenaltyLogitsProcessor: every distinct token already in the sequence, prompt included,
 * has its score divided by `penalty` when positive and multiplied by it when negative. Ids outside the score
 * vector are skipped, as transformers clamps them to a spare column.
 */
export function repetitionPenalty(penalty: number): LogitsProcessor {
  return (tokens, scores) => {
    const seen = new Set<number>();
    for (const token of tokens) {
      if (token < 0 || token >= scores.length || seen.has(token)) continue;
      seen.add(token);
      const score = scores[token];
      scores[token] = score < 0 ? score * penalty : score / penalty;
    }
  };
}

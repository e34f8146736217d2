import type { LogitsProcessor } from './logits-processor.js';

/**
 * transformers' TopPLogitsWarper (nucleus filtering): sorts the scores in ascending order, accumulates their
 * softmax probabilities, and sets to -Infinity every token whose cumulative probability is still <= 1 - topP.
 * The `minTokensToKeep` most likely tokens always stay.
 */
export function topP(p: number, minTokensToKeep = 1): LogitsProcessor {
  return (_tokens, scores) => {
    // Tokens already at -Infinity have probability 0, so they would be removed anyway; sorting only the others
    // keeps this cheap after top-k.
    const finite: number[] = [];
    for (let index = 0; index < scores.length; index++) {
      if (scores[index] !== -Infinity) finite.push(index);
    }
    const order = finite.sort((left, right) => scores[left] - scores[right] || left - right);
    if (order.length === 0) return;
    const max = scores[order[order.length - 1]];
    let total = 0;
    for (const index of order) total += Math.exp(scores[index] - max);

    const removable = order.length - minTokensToKeep;
    let cumulative = 0;
    const removed: number[] = [];
    for (let rank = 0; rank < removable; rank++) {
      cumulative += Math.exp(scores[order[rank]] - max) / total;
      if (cumulative > 1 - p) break;
      removed.push(order[rank]);
    }
    for (const index of removed) scores[index] = -Infinity;
  };
}

/** Small numeric helpers over one row of scores, computed in float64. */

/** Index of the largest score; the first one among exact ties, like torch.argmax. */
export function argmax(scores: ArrayLike<number>): number {
  let best = 0;
  for (let index = 1; index < scores.length; index++) {
    if (scores[index] > scores[best]) best = index;
  }
  return best;
}

/** log(softmax(logits)), shifted by the maximum for stability as torch.log_softmax is. */
export function logSoftmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let index = 0; index < logits.length; index++) max = Math.max(max, logits[index]);
  let sum = 0;
  for (let index = 0; index < logits.length; index++) sum += Math.exp(logits[index] - max);
  const logSum = Math.log(sum) + max;

  const result = new Float64Array(logits.length);
  for (let index = 0; index < logits.length; index++) result[index] = logits[index] - logSum;
  return result;
}

/** softmax(scores); entries at -Infinity get probability 0. */
export function softmax(scores: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let index = 0; index < scores.length; index++) max = Math.max(max, scores[index]);
  const result = new Float64Array(scores.length);
  let sum = 0;
  for (let index = 0; index < scores.length; index++) {
    result[index] = Math.exp(scores[index] - max);
    sum += result[index];
  }
  for (let index = 0; index < scores.length; index++) result[index] /= sum;
  return result;
}

/**
 * Indices of the `count` largest values, largest first; among equal values the lower index comes first.
 * (torch.topk leaves the order of ties unspecified; exact ties do not occur with real logits.)
 */
export function topIndices(values: ArrayLike<number>, count: number): number[] {
  const chosen: number[] = [];
  const isBetter = (candidate: number, other: number) =>
    values[candidate] > values[other] || (values[candidate] === values[other] && candidate < other);

  for (let index = 0; index < values.length; index++) {
    if (chosen.length === count && !isBetter(index, chosen[count - 1])) continue;
    let position = chosen.length === count ? count - 1 : chosen.length;
    while (position > 0 && isBetter(index, chosen[position - 1])) position--;
    if (chosen.length === count) chosen.pop();
    chosen.splice(position, 0, index);
  }
  return chosen;
}

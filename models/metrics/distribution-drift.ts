/**
 * Drift of a variant's next-token distributions from the baseline's, measured by teacher forcing:
 * both models read the baseline's own tokens, and at each generated position we compare the
 * baseline's and the variant's distributions. Meaningful with random weights, where captions are not.
 */

export interface Drift {
  /** Fraction of positions where both models rank the same token first. */
  top1Agreement: number;
  /** Mean KL(baseline ‖ variant) in nats over the positions. */
  meanKl: number;
  positions: number;
}

function logSoftmax(logits: Float32Array, offset: number, size: number): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < size; i++) max = Math.max(max, logits[offset + i]);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += Math.exp(logits[offset + i] - max);
  const logSum = max + Math.log(sum);
  const out = new Float64Array(size);
  for (let i = 0; i < size; i++) out[i] = logits[offset + i] - logSum;
  return out;
}

function argmax(logits: Float32Array, offset: number, size: number): number {
  let best = 0;
  for (let i = 1; i < size; i++) if (logits[offset + i] > logits[offset + best]) best = i;
  return best;
}

/**
 * Compares logits of the same positions, rows × vocab each. With no positions (an empty caption)
 * agreement is 1 and KL 0: there was nothing to disagree on.
 */
export function distributionDrift(baseline: Float32Array, variant: Float32Array, vocab: number): Drift {
  if (baseline.length !== variant.length) throw new Error(`drift needs logits of equal shape, got ${baseline.length} and ${variant.length} values`);
  const positions = baseline.length / vocab;
  if (positions === 0) return { top1Agreement: 1, meanKl: 0, positions: 0 };
  let agree = 0;
  let kl = 0;
  for (let p = 0; p < positions; p++) {
    const offset = p * vocab;
    if (argmax(baseline, offset, vocab) === argmax(variant, offset, vocab)) agree++;
    const logP = logSoftmax(baseline, offset, vocab);
    const logQ = logSoftmax(variant, offset, vocab);
    let sum = 0;
    for (let i = 0; i < vocab; i++) sum += Math.exp(logP[i]) * (logP[i] - logQ[i]);
    // Rounding can make a KL of identical distributions slightly negative.
    kl += Math.max(0, sum);
  }
  return { top1Agreement: agree / positions, meanKl: kl / positions, positions };
}

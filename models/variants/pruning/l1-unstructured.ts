/**
 * L1 unstructured pruning: zero the smallest-magnitude weights, as torch.nn.utils.prune.l1_unstructured
 * does per tensor (`per-layer`) or global_unstructured does across tensors (`global`).
 * The count is round(amount × numel) with Python's round (half to even) on the double product.
 * Among weights tied at the threshold the lowest flat indices are pruned; torch's topk does not
 * promise an order for ties, which only matters for exactly equal magnitudes.
 */
import type { Weight } from '../../blip/weights.js';

/** Python's round(): nearest integer, ties to even. */
export function roundHalfToEven(value: number): number {
  const floor = Math.floor(value);
  const fraction = value - floor;
  if (fraction > 0.5) return floor + 1;
  if (fraction < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

const magnitudeBits = (() => {
  const f = new Float32Array(1);
  const u = new Uint32Array(f.buffer);
  // |w| as its IEEE bits: for non-negative floats the unsigned bit pattern orders like the value.
  return (value: number) => {
    f[0] = value;
    return u[0] & 0x7fffffff;
  };
})();

/**
 * Finds the k-th smallest magnitude (1-based) over several arrays by a two-pass radix select on the
 * float bits, in O(n) time and without copying the weights.
 */
function kthSmallestMagnitudeBits(arrays: readonly Float32Array[], k: number): number {
  const high = new Float64Array(65536);
  for (const data of arrays) for (let i = 0; i < data.length; i++) high[magnitudeBits(data[i]) >>> 16]++;
  let bucket = 0;
  let below = 0;
  while (below + high[bucket] < k) below += high[bucket++];
  const low = new Float64Array(65536);
  for (const data of arrays) {
    for (let i = 0; i < data.length; i++) {
      const bits = magnitudeBits(data[i]);
      if (bits >>> 16 === bucket) low[bits & 0xffff]++;
    }
  }
  let offset = 0;
  while (below + low[offset] < k) below += low[offset++];
  return ((bucket << 16) | offset) >>> 0;
}

/** Zeros the `k` smallest magnitudes across `weights` in place (a new array per weight). */
function zeroSmallest(weights: Weight[], k: number): Weight[] {
  if (k <= 0) return weights;
  const arrays = weights.map((w) => w.data);
  const threshold = kthSmallestMagnitudeBits(arrays, k);
  let strictlyBelow = 0;
  for (const data of arrays) for (let i = 0; i < data.length; i++) if (magnitudeBits(data[i]) < threshold) strictlyBelow++;
  let tiesToPrune = k - strictlyBelow;
  return weights.map((weight) => {
    const data = Float32Array.from(weight.data);
    for (let i = 0; i < data.length; i++) {
      const bits = magnitudeBits(data[i]);
      if (bits < threshold || (bits === threshold && tiesToPrune-- > 0)) data[i] = 0;
    }
    return { shape: weight.shape, data };
  });
}

export function pruneL1PerLayer(weight: Weight, amount: number): Weight {
  return zeroSmallest([weight], roundHalfToEven(amount * weight.data.length))[0];
}

export function pruneL1Global(weights: Weight[], amount: number): Weight[] {
  const total = weights.reduce((sum, w) => sum + w.data.length, 0);
  return zeroSmallest(weights, roundHalfToEven(amount * total));
}

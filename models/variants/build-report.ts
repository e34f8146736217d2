/** What a built variant really is, written as `variant.json` beside its graphs. */
import type { Variant } from './spec.js';

export interface LayerSparsity {
  /** Fraction of exactly-zero weights in each pruned Linear, keyed by checkpoint name. */
  perLayer: Record<string, number>;
  /** Zero weights over all weights of the Linear layers the variant could prune. */
  overall: number;
}

export interface VariantBuildReport {
  buildHash: string;
  spec: Pick<Variant, 'pruning' | 'quantization'>;
  builtAt: string;
  buildTimeMs: number;
  /** Both graphs and their external data. */
  bytesOnDisk: number;
  sparsity: LayerSparsity;
  /** Attention heads and feed-forward widths kept per layer, after structured pruning. */
  shapes: { vision: { heads: number[]; intermediate: number[] }; text: { heads: number[]; crossHeads: number[]; intermediate: number[] } };
  /** Linear layers per operator kind, e.g. { "MatMul": 12, "MatMulInteger": 158 }. */
  linearKernels: Record<string, number>;
}

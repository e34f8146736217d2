/**
 * A pruned Linear layer stored as a sparse initializer: the storage half of format "sparse".
 *
 * onnxruntime 1.31.1 (CPU) cannot multiply by a sparse weight. Its SparseToDenseMatMul contrib op
 * rejects a sparse initializer at load ("Type 'tensor(float)' ... is invalid"), because the loader
 * turns every sparse initializer into a dense tensor while it builds the graph. So the transposed
 * weight goes into the file as a COO sparse initializer and the standard MatMul consumes it: the
 * file shrinks once fewer than a third of the weights remain, and each run costs what the dense
 * MatMul costs. docs/sparse-pruning.md gives the evidence and the timings.
 */
import { addBias, type LinearEmitter } from '../../blip/linear.js';

/** The kernel name this emitter reports in a build's `linearKernels`. */
export const SPARSE_INITIALIZER_KERNEL = 'MatMul (sparse initializer)';

export interface CooMatrix {
  values: Float32Array;
  /** Row-major positions in the [in, out] matrix, ascending, as ONNX's linearized COO indices are. */
  flatIndices: BigInt64Array;
}

/**
 * Collects the nonzero entries of Wᵀ ([in, out]) from W in PyTorch's [out, in] layout, in two passes
 * so that no dense transposed copy is made.
 */
export function nonzerosOfTransposed(weight: Float32Array, out: number, inFeatures: number): CooMatrix {
  if (weight.length !== out * inFeatures) {
    throw new RangeError(`weight has ${weight.length} elements, expected out × in = ${out} × ${inFeatures}`);
  }
  let count = 0;
  for (let i = 0; i < weight.length; i++) if (weight[i] !== 0) count++;
  const values = new Float32Array(count);
  const flatIndices = new BigInt64Array(count);
  let next = 0;
  for (let column = 0; column < inFeatures; column++) {
    for (let row = 0; row < out; row++) {
      const value = weight[row * inFeatures + column];
      if (value === 0) continue;
      values[next] = value;
      flatIndices[next] = BigInt(column * out + row);
      next++;
    }
  }
  return { values, flatIndices };
}

/** fp32 MatMul with the transposed weight stored as a sparse initializer, then the bias. */
export const sparseLinear: LinearEmitter = (g, x, layer) => {
  const [out, inFeatures] = layer.weight.shape;
  const { values, flatIndices } = nonzerosOfTransposed(layer.weight.data, out, inFeatures);
  const w = g.sparseWeight(`${layer.name}.weight_t`, [inFeatures, out], values, flatIndices);
  return addBias(g, g.op('MatMul', [x, w]), layer);
};

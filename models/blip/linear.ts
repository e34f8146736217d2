/**
 * A Linear layer (y = x·Wᵀ + b, PyTorch's weight layout [out, in]) as graph nodes. The emitter is
 * chosen per variant at build time: fp32 MatMul here, quantized operators in models/variants.
 */
import type { GraphBuilder } from '../onnx/graph-builder.js';
import type { Weight } from './weights.js';

/** Which part of BLIP a Linear belongs to; quantization settings keep whole groups in fp32. */
export type LinearGroup = 'vision' | 'text' | 'cross-attention' | 'lm-head';

export interface LinearLayer {
  /** Checkpoint name without `.weight`, e.g. `vision_model.encoder.layers.0.mlp.fc1`. */
  name: string;
  group: LinearGroup;
  weight: Weight;
  bias?: Weight;
}

export type LinearEmitter = (g: GraphBuilder, x: string, layer: LinearLayer) => string;

/** Transposes a row-major [rows, cols] matrix into [cols, rows]. */
export function transpose(data: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < rows; r++) {
    const rowOffset = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = data[rowOffset + c];
  }
  return out;
}

export function addBias(g: GraphBuilder, y: string, layer: LinearLayer): string {
  if (!layer.bias) return y;
  return g.op('Add', [y, g.weight(`${layer.name}.bias`, layer.bias.shape, layer.bias.data)]);
}

/** Dense fp32: MatMul with the transposed weight, then the bias. */
export const fp32Linear: LinearEmitter = (g, x, layer) => {
  const [out, inFeatures] = layer.weight.shape;
  const w = g.weight(`${layer.name}.weight_t`, [inFeatures, out], transpose(layer.weight.data, out, inFeatures));
  return addBias(g, g.op('MatMul', [x, w]), layer);
};

/**
 * Building blocks shared by the vision encoder and the text decoder: LayerNorm, exact GELU,
 * Linear lookup, and multi-head attention in standard ONNX operators.
 */
import { floatAttribute, type GraphBuilder } from '../onnx/graph-builder.js';
import type { BlipConfig } from './config.js';
import type { LinearEmitter, LinearGroup } from './linear.js';
import { getWeight, type Weight } from './weights.js';

export interface BuildContext {
  g: GraphBuilder;
  weights: ReadonlyMap<string, Weight>;
  linear: LinearEmitter;
  config: BlipConfig;
}

export function layerNorm(ctx: BuildContext, x: string, prefix: string, epsilon: number): string {
  const gamma = getWeight(ctx.weights, `${prefix}.weight`);
  const beta = getWeight(ctx.weights, `${prefix}.bias`);
  return ctx.g.op('LayerNormalization', [x, ctx.g.weight(`${prefix}.weight`, gamma.shape, gamma.data), ctx.g.weight(`${prefix}.bias`, beta.shape, beta.data)], {
    axis: -1,
    epsilon: floatAttribute(epsilon),
  });
}

/** Exact GELU, 0.5·x·(1 + erf(x/√2)), as torch's nn.functional.gelu; onnxruntime fuses it into one Gelu kernel. */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.constFloat(Math.SQRT2)])]);
  return g.op('Mul', [g.op('Mul', [x, g.constFloat(0.5)]), g.op('Add', [erf, g.constFloat(1)])]);
}

/** Applies the checkpoint's Linear `name` (weights `name.weight`, `name.bias`) through the variant's emitter. */
export function linear(ctx: BuildContext, x: string, name: string, group: LinearGroup): string {
  const weight = getWeight(ctx.weights, `${name}.weight`);
  const bias = ctx.weights.get(`${name}.bias`);
  return ctx.linear(ctx.g, x, { name, group, weight, bias });
}

/** [B, T, heads·headDim] → [B, heads, T, headDim]. */
export function splitHeads(g: GraphBuilder, x: string, heads: number, headDim: number): string {
  const reshaped = g.op('Reshape', [x, g.constInt64([0, 0, heads, headDim])]);
  return g.op('Transpose', [reshaped], { perm: [0, 2, 1, 3] });
}

/** [B, heads, T, headDim] → [B, T, heads·headDim]. */
export function mergeHeads(g: GraphBuilder, x: string): string {
  const transposed = g.op('Transpose', [x], { perm: [0, 2, 1, 3] });
  return g.op('Reshape', [transposed, g.constInt64([0, 0, -1])]);
}

/**
 * softmax(Q·Kᵀ·scale + mask)·V over [B, heads, T, headDim] inputs. Q is scaled before the product:
 * with headDim a power of four the scale is a power of two, so this is bit-identical to scaling after.
 */
export function attend(g: GraphBuilder, q: string, k: string, v: string, headDim: number, mask?: string): string {
  const scaled = g.op('Mul', [q, g.constFloat(1 / Math.sqrt(headDim))]);
  const keysT = g.op('Transpose', [k], { perm: [0, 1, 3, 2] });
  let scores = g.op('MatMul', [scaled, keysT]);
  if (mask) scores = g.op('Add', [scores, mask]);
  const probabilities = g.op('Softmax', [scores], { axis: -1 });
  return g.op('MatMul', [probabilities, v]);
}

/** Heads kept in a pruned projection: its output width divided by the head size. */
export function headCount(weight: Weight, headDim: number, fused = 1): number {
  return weight.shape[0] / fused / headDim;
}

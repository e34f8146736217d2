/**
 * Bytes a text decoder step reads: its weights at the variant's storage type, and the cached keys and
 * values. At batch 1 every weight is used for one multiply-add per step, so the step's speed is bounded
 * by how fast these bytes stream from memory, not by the FLOPs.
 */
import { imageTokenCount, type BlipConfig } from '../blip/config.js';
import type { LinearGroup } from '../blip/linear.js';
import type { Variant } from '../variants/spec.js';
import { linearShapes, runsInFp32, type LinearShape, type VariantShapes } from './linear-shapes.js';

type Quantization = Variant['quantization'];

const FP32_BYTES = 4;

export interface DecoderStepBytes {
  /** Weight bytes of the step's Linear layers by group (weights, their scales and biases). */
  linearByGroup: Record<LinearGroup, number>;
  /** LayerNorm parameters and one word and one position embedding row per fed token. */
  other: number;
  /** Every weight byte the step reads: the sum of the two above. */
  weights: number;
  /** The image's cross-attention keys and values, fp32, read by every step. */
  crossKeyValue: number;
  /** The self-attention cache read by the step (keys and values of the earlier tokens), fp32. */
  selfCache: number;
}

/**
 * Counts the bytes of one Linear as the variant stores it. fp32 takes 4 bytes per weight. int8-dynamic
 * takes 1 byte plus one fp32 scale per tensor or per output channel. Weight-only int8 takes 1 byte and
 * int4 half a byte, plus one fp32 scale per block of `blockSize` inputs (MatMulNBits without zero
 * points). Biases stay fp32.
 * NOTE: sparse-format layers count as dense fp32, because onnxruntime 1.31 densifies sparse initializers at load.
 */
export function linearBytes(layer: LinearShape, quantization: Quantization): number {
  const weights = layer.out * layer.in;
  const bias = layer.out * FP32_BYTES;
  if (runsInFp32(layer.group, quantization)) return weights * FP32_BYTES + bias;
  switch (quantization.method) {
    case 'int8-dynamic':
      return weights + (quantization.granularity === 'per-channel' ? layer.out : 1) * FP32_BYTES + bias;
    case 'int8-weight-only':
    case 'int4-weight-only': {
      const scales = layer.out * Math.ceil(layer.in / quantization.blockSize) * FP32_BYTES;
      return (quantization.method === 'int8-weight-only' ? weights : weights / 2) + scales + bias;
    }
    default:
      return weights * FP32_BYTES + bias;
  }
}

/** Bytes read by one decoder step feeding `fedTokens` tokens after a cache of `cacheLength`. */
export function decoderStepBytes(config: BlipConfig, shapes: VariantShapes, quantization: Quantization, cacheLength: number, fedTokens = 1): DecoderStepBytes {
  if (!Number.isInteger(cacheLength) || cacheLength < 0) throw new RangeError(`cacheLength must be a non-negative integer, got ${cacheLength}`);
  if (!Number.isInteger(fedTokens) || fedTokens < 1) throw new RangeError(`fedTokens must be a positive integer, got ${fedTokens}`);
  const { text } = config;
  const headDim = text.hiddenSize / text.numHeads;
  const linearByGroup: Record<LinearGroup, number> = { vision: 0, text: 0, 'cross-attention': 0, 'lm-head': 0 };
  for (const layer of linearShapes(config, shapes)) {
    if (layer.stage === 'decoder-step') linearByGroup[layer.group] += linearBytes(layer, quantization);
  }
  // Three LayerNorms per layer, one after the embeddings and one in the LM head, each with weight and bias.
  const layerNorms = (3 * text.numLayers + 2) * 2 * text.hiddenSize * FP32_BYTES;
  const embeddingRows = 2 * fedTokens * text.hiddenSize * FP32_BYTES;
  const other = layerNorms + embeddingRows;
  const linear = Object.values(linearByGroup).reduce((sum, bytes) => sum + bytes, 0);

  const imageTokens = imageTokenCount(config.vision);
  const crossKeyValue = shapes.text.crossHeads.reduce((sum, heads) => sum + 2 * imageTokens * heads * headDim * FP32_BYTES, 0);
  const selfCache = shapes.text.heads.reduce((sum, heads) => sum + 2 * cacheLength * heads * headDim * FP32_BYTES, 0);
  return { linearByGroup, other, weights: linear + other, crossKeyValue, selfCache };
}

/**
 * FLOPs of each stage of a caption, from a variant's real shapes. One multiply-add counts as 2 FLOPs.
 * Only the matrix products are counted: Linear layers, the patch convolution, attention scores and
 * context. LayerNorm, GELU, softmax and the residual adds are left out, because by an estimate of
 * about 20 FLOPs per GELU and 5 per softmax element they add about 1 GFLOP to the vision encoder's 127.
 * NOTE: unstructured (l1) pruning is not subtracted, because the dense kernels multiply the zeros too.
 */
import { imageTokenCount, type BlipConfig } from '../blip/config.js';
import { linearShapes, type LinearShape, type VariantShapes } from './linear-shapes.js';

export interface VisionEncoderFlops {
  patchEmbedding: number;
  /** The fused qkv and output projections of every ViT layer. */
  attentionProjections: number;
  /** Q·Kᵀ and softmax·V of every ViT layer. */
  attentionScoresAndContext: number;
  mlp: number;
  /** The text decoder's cross-attention key and value projections, run in the image encoder graph. */
  crossKeyValue: number;
  total: number;
}

export interface DecoderStepFlops {
  /** Query, key, value and output projections plus scores and context over the cache. */
  selfAttention: number;
  /** Query and output projections plus scores and context over every image token. */
  crossAttention: number;
  feedForward: number;
  /** Transform dense and the vocabulary projection. */
  lmHead: number;
  total: number;
}

/** The two feed-forward Linears of a text layer (the attention blocks' `output.dense` do not match). */
const FEED_FORWARD = /\.layer\.\d+\.(intermediate|output)\.dense$/;

const linearFlops = (layer: LinearShape, rows: number) => 2 * rows * layer.out * layer.in;

/** FLOPs of one run of the image encoder graph for one image. */
export function visionEncoderFlops(config: BlipConfig, shapes: VariantShapes): VisionEncoderFlops {
  const { vision } = config;
  const tokens = imageTokenCount(vision);
  const patches = tokens - 1;
  const headDim = vision.hiddenSize / vision.numHeads;
  const layers = linearShapes(config, shapes).filter((layer) => layer.stage === 'image-encoder');
  const sum = (keep: (layer: LinearShape) => boolean) => layers.filter(keep).reduce((total, layer) => total + linearFlops(layer, tokens), 0);

  const patchEmbedding = 2 * patches * vision.hiddenSize * 3 * vision.patchSize * vision.patchSize;
  const attentionProjections = sum((layer) => layer.group === 'vision' && layer.name.includes('.self_attn.'));
  const mlp = sum((layer) => layer.group === 'vision' && layer.name.includes('.mlp.'));
  const crossKeyValue = sum((layer) => layer.group === 'cross-attention');
  // Scores [T, T] per head and context [T, headDim] per head: 2·T·T·headDim FLOPs each.
  const attentionScoresAndContext = shapes.vision.heads.reduce((total, heads) => total + 2 * (2 * tokens * tokens * heads * headDim), 0);
  return {
    patchEmbedding,
    attentionProjections,
    attentionScoresAndContext,
    mlp,
    crossKeyValue,
    total: patchEmbedding + attentionProjections + attentionScoresAndContext + mlp + crossKeyValue,
  };
}

/**
 * FLOPs of one run of the text decoder graph that feeds `fedTokens` new tokens after a cache of
 * `cacheLength` tokens (fedTokens 1 for every generated token after the first step).
 */
export function decoderStepFlops(config: BlipConfig, shapes: VariantShapes, cacheLength: number, fedTokens = 1): DecoderStepFlops {
  if (!Number.isInteger(cacheLength) || cacheLength < 0) throw new RangeError(`cacheLength must be a non-negative integer, got ${cacheLength}`);
  if (!Number.isInteger(fedTokens) || fedTokens < 1) throw new RangeError(`fedTokens must be a positive integer, got ${fedTokens}`);
  const { text } = config;
  const imageTokens = imageTokenCount(config.vision);
  const headDim = text.hiddenSize / text.numHeads;
  const layers = linearShapes(config, shapes).filter((layer) => layer.stage === 'decoder-step');
  const sum = (keep: (layer: LinearShape) => boolean) => layers.filter(keep).reduce((total, layer) => total + linearFlops(layer, fedTokens), 0);

  const attendedKeys = cacheLength + fedTokens;
  const selfScores = shapes.text.heads.reduce((total, heads) => total + 2 * (2 * fedTokens * attendedKeys * heads * headDim), 0);
  const crossScores = shapes.text.crossHeads.reduce((total, heads) => total + 2 * (2 * fedTokens * imageTokens * heads * headDim), 0);
  const selfAttention = sum((layer) => layer.name.includes('.attention.')) + selfScores;
  const crossAttention = sum((layer) => layer.group === 'cross-attention') + crossScores;
  const feedForward = sum((layer) => FEED_FORWARD.test(layer.name));
  const lmHead = sum((layer) => layer.group === 'lm-head');
  return { selfAttention, crossAttention, feedForward, lmHead, total: selfAttention + crossAttention + feedForward + lmHead };
}

/**
 * FLOPs of the whole decoder stage: one step over the `promptLength` start tokens, then one step per
 * generated token but the last (its logits are never needed), each with the cache grown by one.
 */
export function decoderFlops(config: BlipConfig, shapes: VariantShapes, promptLength: number, newTokens: number): number {
  if (!Number.isInteger(promptLength) || promptLength < 1) throw new RangeError(`promptLength must be a positive integer, got ${promptLength}`);
  if (!Number.isInteger(newTokens) || newTokens < 1) throw new RangeError(`newTokens must be a positive integer, got ${newTokens}`);
  let total = decoderStepFlops(config, shapes, 0, promptLength).total;
  for (let step = 1; step < newTokens; step++) total += decoderStepFlops(config, shapes, promptLength + step - 1, 1).total;
  return total;
}

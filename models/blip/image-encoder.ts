/**
 * The image encoder graph: BLIP's ViT (pre-norm layers, post LayerNorm) followed by the text decoder's
 * cross-attention key and value projections, so they are computed once per image, not once per token.
 *
 *   pixel_values [B, 3, S, S] → image_embeds [B, N, V]        N = (S/patch)² + 1 tokens
 *                             → cross_key.{i}, cross_value.{i} [B, heads_i, N, headDim] per decoder layer i
 */
import { DataType } from '../onnx/onnx-proto.js';
import { attend, gelu, headCount, layerNorm, linear, mergeHeads, splitHeads, type BuildContext } from './blocks.js';
import { imageTokenCount } from './config.js';
import { getWeight, textLayer, VISION_PREFIX, visionLayer } from './weights.js';

function embeddings(ctx: BuildContext, pixels: string): string {
  const { g, weights, config } = ctx;
  const { hiddenSize, patchSize } = config.vision;
  const patchWeight = getWeight(weights, `${VISION_PREFIX}embeddings.patch_embedding.weight`);
  const patchBias = getWeight(weights, `${VISION_PREFIX}embeddings.patch_embedding.bias`);
  // Conv2d with a 16×16 stride-16 kernel, then patches in row-major order: [B, V, 24, 24] → [B, 576, V].
  const patches = g.op('Conv', [pixels, g.weight('patch_embedding.weight', patchWeight.shape, patchWeight.data), g.weight('patch_embedding.bias', patchBias.shape, patchBias.data)], {
    kernel_shape: [patchSize, patchSize],
    strides: [patchSize, patchSize],
  });
  const flat = g.op('Transpose', [g.op('Reshape', [patches, g.constInt64([0, 0, -1])])], { perm: [0, 2, 1] });

  const classEmbedding = getWeight(weights, `${VISION_PREFIX}embeddings.class_embedding`);
  const batch = g.op('Shape', [pixels], { start: 0, end: 1 });
  const classShape = g.op('Concat', [batch, g.constInt64([1, hiddenSize])], { axis: 0 });
  const classTokens = g.op('Expand', [g.weight('class_embedding', classEmbedding.shape, classEmbedding.data), classShape]);
  const tokens = g.op('Concat', [classTokens, flat], { axis: 1 });

  const positions = getWeight(weights, `${VISION_PREFIX}embeddings.position_embedding`);
  return g.op('Add', [tokens, g.weight('position_embedding', positions.shape, positions.data)]);
}

function selfAttention(ctx: BuildContext, x: string, prefix: string): string {
  const { g } = ctx;
  const headDim = ctx.config.vision.hiddenSize / ctx.config.vision.numHeads;
  const heads = headCount(getWeight(ctx.weights, `${prefix}.qkv.weight`), headDim, 3);
  // The fused qkv output is laid out [Q | K | V], each head owning headDim consecutive channels.
  const qkv = linear(ctx, x, `${prefix}.qkv`, 'vision');
  const split = g.op('Transpose', [g.op('Reshape', [qkv, g.constInt64([0, 0, 3, heads, headDim])])], { perm: [2, 0, 3, 1, 4] });
  const [q, k, v] = [0, 1, 2].map((index) => g.op('Gather', [split, g.constInt64([index], true)], { axis: 0 }));
  return linear(ctx, mergeHeads(g, attend(g, q, k, v, headDim)), `${prefix}.projection`, 'vision');
}

function encoderLayer(ctx: BuildContext, x: string, index: number): string {
  const prefix = visionLayer(index);
  const eps = ctx.config.vision.layerNormEps;
  return ctx.g.within(`vision.layers.${index}`, () => {
    const attended = ctx.g.op('Add', [x, selfAttention(ctx, layerNorm(ctx, x, `${prefix}.layer_norm1`, eps), `${prefix}.self_attn`)]);
    const hidden = gelu(ctx.g, linear(ctx, layerNorm(ctx, attended, `${prefix}.layer_norm2`, eps), `${prefix}.mlp.fc1`, 'vision'));
    return ctx.g.op('Add', [attended, linear(ctx, hidden, `${prefix}.mlp.fc2`, 'vision')]);
  });
}

/** Cross-attention keys and values of decoder layer `index`, from the image embeddings. */
function crossKeyValue(ctx: BuildContext, imageEmbeds: string, index: number): [string, string] {
  const headDim = ctx.config.text.hiddenSize / ctx.config.text.numHeads;
  const prefix = `${textLayer(index)}.crossattention.self`;
  const heads = headCount(getWeight(ctx.weights, `${prefix}.key.weight`), headDim);
  return ctx.g.within(`text.layers.${index}.cross`, () => [
    splitHeads(ctx.g, linear(ctx, imageEmbeds, `${prefix}.key`, 'cross-attention'), heads, headDim),
    splitHeads(ctx.g, linear(ctx, imageEmbeds, `${prefix}.value`, 'cross-attention'), heads, headDim),
  ]);
}

export function buildImageEncoder(ctx: BuildContext): void {
  const { g, config } = ctx;
  const size = config.vision.imageSize;
  const tokens = imageTokenCount(config.vision);
  const pixels = g.input('pixel_values', DataType.FLOAT, ['batch', 3, size, size]);

  let x = embeddings(ctx, pixels);
  for (let i = 0; i < config.vision.numLayers; i++) x = encoderLayer(ctx, x, i);
  const imageEmbeds = layerNorm(ctx, x, `${VISION_PREFIX}post_layernorm`, config.vision.layerNormEps);
  g.output(imageEmbeds, 'image_embeds', DataType.FLOAT, ['batch', tokens, config.vision.hiddenSize]);

  const headDim = config.text.hiddenSize / config.text.numHeads;
  for (let i = 0; i < config.text.numLayers; i++) {
    const heads = headCount(getWeight(ctx.weights, `${textLayer(i)}.crossattention.self.key.weight`), headDim);
    const [key, value] = crossKeyValue(ctx, imageEmbeds, i);
    g.output(key, `cross_key.${i}`, DataType.FLOAT, ['batch', heads, tokens, headDim]);
    g.output(value, `cross_value.${i}`, DataType.FLOAT, ['batch', heads, tokens, headDim]);
  }
}

/**
 * The text decoder graph: BERT-style post-norm layers (self-attention with a key/value cache,
 * cross-attention over precomputed image keys and values, feed-forward) and the LM head.
 *
 *   input_ids [B, T] int64, past_key.{i} / past_value.{i} [B, heads_i, P, headDim],
 *   cross_key.{i} / cross_value.{i} [1 or B, heads_i, N, headDim]
 *     → logits [B, T, vocab], present_key.{i} / present_value.{i} [B, heads_i, P+T, headDim]
 *
 * Positions continue from the cache length P. Feeding P = 0 with the whole sequence runs without a cache.
 */
import { DataType } from '../onnx/onnx-proto.js';
import { attend, gelu, headCount, layerNorm, linear, mergeHeads, splitHeads, type BuildContext } from './blocks.js';
import { getWeight, LM_HEAD_BIAS, LM_HEAD_MATRIX, TEXT_PREFIX, textLayer } from './weights.js';

/** transformers' additive mask value for the causal self-attention (fp16-safe, exp underflows to 0 in fp32). */
const MASKED = -10000;

interface Positions {
  /** Absolute positions of the fed tokens, [T]. */
  query: string;
  /** Additive causal mask [T, P+T]: 0 where key j ≤ query position, MASKED after it. */
  causalMask: string;
}

function positions(ctx: BuildContext, inputIds: string, pastKey: string): Positions {
  const { g } = ctx;
  const past = g.op('Squeeze', [g.op('Shape', [pastKey], { start: 2, end: 3 }), g.constInt64([0])]);
  const fed = g.op('Squeeze', [g.op('Shape', [inputIds], { start: 1, end: 2 }), g.constInt64([0])]);
  const total = g.op('Add', [past, fed]);
  const one = g.constInt64([1], true);
  const query = g.op('Range', [past, total, one]);
  const keys = g.op('Range', [g.constInt64([0], true), total, one]);
  const visible = g.op('LessOrEqual', [g.op('Unsqueeze', [keys, g.constInt64([0])]), g.op('Unsqueeze', [query, g.constInt64([1])])]);
  const causalMask = g.op('Where', [visible, g.constFloat(0), g.constFloat(MASKED)]);
  return { query, causalMask };
}

function embeddings(ctx: BuildContext, inputIds: string, query: string): string {
  const { g, weights } = ctx;
  const words = getWeight(weights, `${TEXT_PREFIX}bert.embeddings.word_embeddings.weight`);
  const positionTable = getWeight(weights, `${TEXT_PREFIX}bert.embeddings.position_embeddings.weight`);
  const wordVectors = g.op('Gather', [g.weight('word_embeddings', words.shape, words.data), inputIds], { axis: 0 });
  const positionVectors = g.op('Gather', [g.weight('position_embeddings', positionTable.shape, positionTable.data), query], { axis: 0 });
  return layerNorm(ctx, g.op('Add', [wordVectors, positionVectors]), `${TEXT_PREFIX}bert.embeddings.LayerNorm`, ctx.config.text.layerNormEps);
}

interface LayerIo {
  pastKey: string;
  pastValue: string;
  crossKey: string;
  crossValue: string;
}

function decoderLayer(ctx: BuildContext, x: string, index: number, io: LayerIo, mask: string): { hidden: string; key: string; value: string } {
  const { g, config } = ctx;
  const prefix = textLayer(index);
  const eps = config.text.layerNormEps;
  const headDim = config.text.hiddenSize / config.text.numHeads;
  return g.within(`text.layers.${index}`, () => {
    // Causal self-attention; new keys and values are appended to the cache along the sequence axis.
    const selfHeads = headCount(getWeight(ctx.weights, `${prefix}.attention.self.query.weight`), headDim);
    const q = splitHeads(g, linear(ctx, x, `${prefix}.attention.self.query`, 'text'), selfHeads, headDim);
    const key = g.op('Concat', [io.pastKey, splitHeads(g, linear(ctx, x, `${prefix}.attention.self.key`, 'text'), selfHeads, headDim)], { axis: 2 });
    const value = g.op('Concat', [io.pastValue, splitHeads(g, linear(ctx, x, `${prefix}.attention.self.value`, 'text'), selfHeads, headDim)], { axis: 2 });
    const selfOut = linear(ctx, mergeHeads(g, attend(g, q, key, value, headDim, mask)), `${prefix}.attention.output.dense`, 'text');
    const attended = layerNorm(ctx, g.op('Add', [selfOut, x]), `${prefix}.attention.output.LayerNorm`, eps);

    // Cross-attention over every image token; the image mask is all ones, so no mask is added.
    const crossHeads = headCount(getWeight(ctx.weights, `${prefix}.crossattention.self.query.weight`), headDim);
    const crossQ = splitHeads(g, linear(ctx, attended, `${prefix}.crossattention.self.query`, 'cross-attention'), crossHeads, headDim);
    const crossOut = linear(ctx, mergeHeads(g, attend(g, crossQ, io.crossKey, io.crossValue, headDim)), `${prefix}.crossattention.output.dense`, 'cross-attention');
    const crossed = layerNorm(ctx, g.op('Add', [crossOut, attended]), `${prefix}.crossattention.output.LayerNorm`, eps);

    const intermediate = gelu(g, linear(ctx, crossed, `${prefix}.intermediate.dense`, 'text'));
    const ffnOut = linear(ctx, intermediate, `${prefix}.output.dense`, 'text');
    return { hidden: layerNorm(ctx, g.op('Add', [ffnOut, crossed]), `${prefix}.output.LayerNorm`, eps), key, value };
  });
}

/** LM head: dense → GELU → LayerNorm → vocabulary projection, applied to every fed position as in transformers. */
function lmHead(ctx: BuildContext, x: string): string {
  const { g } = ctx;
  return g.within('lm_head', () => {
    const transformed = layerNorm(ctx, gelu(g, linear(ctx, x, `${TEXT_PREFIX}cls.predictions.transform.dense`, 'lm-head')), `${TEXT_PREFIX}cls.predictions.transform.LayerNorm`, ctx.config.text.layerNormEps);
    const matrix = getWeight(ctx.weights, LM_HEAD_MATRIX);
    const bias = getWeight(ctx.weights, LM_HEAD_BIAS);
    return ctx.linear(g, transformed, { name: `${TEXT_PREFIX}cls.predictions.decoder`, group: 'lm-head', weight: matrix, bias });
  });
}

export function buildTextDecoder(ctx: BuildContext): void {
  const { g, config } = ctx;
  const headDim = config.text.hiddenSize / config.text.numHeads;
  const inputIds = g.input('input_ids', DataType.INT64, ['batch', 'sequence']);
  const layers: LayerIo[] = [];
  const heads: number[] = [];
  for (let i = 0; i < config.text.numLayers; i++) {
    heads.push(headCount(getWeight(ctx.weights, `${textLayer(i)}.attention.self.query.weight`), headDim));
    const crossHeads = headCount(getWeight(ctx.weights, `${textLayer(i)}.crossattention.self.query.weight`), headDim);
    layers.push({
      pastKey: g.input(`past_key.${i}`, DataType.FLOAT, ['batch', heads[i], 'past', headDim]),
      pastValue: g.input(`past_value.${i}`, DataType.FLOAT, ['batch', heads[i], 'past', headDim]),
      crossKey: g.input(`cross_key.${i}`, DataType.FLOAT, ['image_batch', crossHeads, 'image_tokens', headDim]),
      crossValue: g.input(`cross_value.${i}`, DataType.FLOAT, ['image_batch', crossHeads, 'image_tokens', headDim]),
    });
  }

  const { query, causalMask } = positions(ctx, inputIds, layers[0].pastKey);
  let x = embeddings(ctx, inputIds, query);
  for (let i = 0; i < config.text.numLayers; i++) {
    const out = decoderLayer(ctx, x, i, layers[i], causalMask);
    x = out.hidden;
    g.output(out.key, `present_key.${i}`, DataType.FLOAT, ['batch', heads[i], 'total', headDim]);
    g.output(out.value, `present_value.${i}`, DataType.FLOAT, ['batch', heads[i], 'total', headDim]);
  }
  g.output(lmHead(ctx, x), 'logits', DataType.FLOAT, ['batch', 'sequence', config.text.vocabSize]);
}

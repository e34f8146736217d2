/**
 * BLIP's weights in memory as fp32 arrays keyed by checkpoint name, with the expected names and
 * shapes of BlipForConditionalGeneration checked up front, so a bad checkpoint fails before any build.
 */
import type { BlipConfig } from './config.js';
import { ModelError } from '../engine/errors.js';

export interface Weight {
  shape: number[];
  data: Float32Array;
}

export const VISION_PREFIX = 'vision_model.';
export const TEXT_PREFIX = 'text_decoder.';

export const visionLayer = (i: number) => `${VISION_PREFIX}encoder.layers.${i}`;
export const textLayer = (i: number) => `${TEXT_PREFIX}bert.encoder.layer.${i}`;
export const LM_HEAD_MATRIX = `${TEXT_PREFIX}cls.predictions.decoder.weight`;
export const LM_HEAD_BIAS = `${TEXT_PREFIX}cls.predictions.bias`;
export const LM_HEAD_BIAS_ALIAS = `${TEXT_PREFIX}cls.predictions.decoder.bias`;
export const WORD_EMBEDDINGS = `${TEXT_PREFIX}bert.embeddings.word_embeddings.weight`;

/** Every tensor the captioning graphs read, with its shape in the unpruned checkpoint. */
export function expectedTensors(config: BlipConfig): Map<string, number[]> {
  const { vision, text } = config;
  const expected = new Map<string, number[]>();
  const v = vision.hiddenSize;
  const patches = (vision.imageSize / vision.patchSize) ** 2;
  expected.set(`${VISION_PREFIX}embeddings.class_embedding`, [1, 1, v]);
  expected.set(`${VISION_PREFIX}embeddings.patch_embedding.weight`, [v, 3, vision.patchSize, vision.patchSize]);
  expected.set(`${VISION_PREFIX}embeddings.patch_embedding.bias`, [v]);
  expected.set(`${VISION_PREFIX}embeddings.position_embedding`, [1, patches + 1, v]);
  for (let i = 0; i < vision.numLayers; i++) {
    const p = visionLayer(i);
    for (const norm of ['layer_norm1', 'layer_norm2']) {
      expected.set(`${p}.${norm}.weight`, [v]);
      expected.set(`${p}.${norm}.bias`, [v]);
    }
    expected.set(`${p}.self_attn.qkv.weight`, [3 * v, v]);
    expected.set(`${p}.self_attn.qkv.bias`, [3 * v]);
    expected.set(`${p}.self_attn.projection.weight`, [v, v]);
    expected.set(`${p}.self_attn.projection.bias`, [v]);
    expected.set(`${p}.mlp.fc1.weight`, [vision.intermediateSize, v]);
    expected.set(`${p}.mlp.fc1.bias`, [vision.intermediateSize]);
    expected.set(`${p}.mlp.fc2.weight`, [v, vision.intermediateSize]);
    expected.set(`${p}.mlp.fc2.bias`, [v]);
  }
  expected.set(`${VISION_PREFIX}post_layernorm.weight`, [v]);
  expected.set(`${VISION_PREFIX}post_layernorm.bias`, [v]);

  const h = text.hiddenSize;
  expected.set(WORD_EMBEDDINGS, [text.vocabSize, h]);
  expected.set(`${TEXT_PREFIX}bert.embeddings.position_embeddings.weight`, [text.maxPositions, h]);
  expected.set(`${TEXT_PREFIX}bert.embeddings.LayerNorm.weight`, [h]);
  expected.set(`${TEXT_PREFIX}bert.embeddings.LayerNorm.bias`, [h]);
  for (let i = 0; i < text.numLayers; i++) {
    const p = textLayer(i);
    for (const part of ['attention', 'crossattention']) {
      const inputWidth = part === 'crossattention' ? v : h;
      expected.set(`${p}.${part}.self.query.weight`, [h, h]);
      expected.set(`${p}.${part}.self.query.bias`, [h]);
      for (const kv of ['key', 'value']) {
        expected.set(`${p}.${part}.self.${kv}.weight`, [h, inputWidth]);
        expected.set(`${p}.${part}.self.${kv}.bias`, [h]);
      }
      expected.set(`${p}.${part}.output.dense.weight`, [h, h]);
      expected.set(`${p}.${part}.output.dense.bias`, [h]);
      expected.set(`${p}.${part}.output.LayerNorm.weight`, [h]);
      expected.set(`${p}.${part}.output.LayerNorm.bias`, [h]);
    }
    expected.set(`${p}.intermediate.dense.weight`, [text.intermediateSize, h]);
    expected.set(`${p}.intermediate.dense.bias`, [text.intermediateSize]);
    expected.set(`${p}.output.dense.weight`, [h, text.intermediateSize]);
    expected.set(`${p}.output.dense.bias`, [h]);
    expected.set(`${p}.output.LayerNorm.weight`, [h]);
    expected.set(`${p}.output.LayerNorm.bias`, [h]);
  }
  expected.set(`${TEXT_PREFIX}cls.predictions.transform.dense.weight`, [h, h]);
  expected.set(`${TEXT_PREFIX}cls.predictions.transform.dense.bias`, [h]);
  expected.set(`${TEXT_PREFIX}cls.predictions.transform.LayerNorm.weight`, [h]);
  expected.set(`${TEXT_PREFIX}cls.predictions.transform.LayerNorm.bias`, [h]);
  expected.set(LM_HEAD_MATRIX, [text.vocabSize, h]);
  expected.set(LM_HEAD_BIAS, [text.vocabSize]);
  return expected;
}

/** The source a checkpoint is read from: the safetensors reader fits it. */
export interface TensorSource {
  readonly path: string;
  has(name: string): boolean;
  info(name: string): { shape: number[] };
  float32(name: string): Float32Array;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/**
 * Reads every tensor the graphs need, checking names and shapes. The LM head matrix falls back to the
 * word embeddings when absent (checkpoints saved with tied weights drop the duplicate), and the head
 * bias to its `decoder.bias` alias.
 */
export function loadBlipWeights(source: TensorSource, config: BlipConfig): Map<string, Weight> {
  const weights = new Map<string, Weight>();
  for (const [name, shape] of expectedTensors(config)) {
    let stored = name;
    if (!source.has(name)) {
      if (name === LM_HEAD_MATRIX && source.has(WORD_EMBEDDINGS)) stored = WORD_EMBEDDINGS;
      else if (name === LM_HEAD_BIAS && source.has(LM_HEAD_BIAS_ALIAS)) stored = LM_HEAD_BIAS_ALIAS;
      else throw new ModelError(`${source.path}: missing tensor ${name} (expected shape [${shape.join(', ')}]); is this a BLIP captioning checkpoint matching its config.json?`);
    }
    const actual = source.info(stored).shape;
    if (!sameShape(actual, shape)) {
      throw new ModelError(`${source.path}: tensor ${stored} has shape [${actual.join(', ')}], expected [${shape.join(', ')}] from config.json`);
    }
    weights.set(name, { shape: [...shape], data: source.float32(stored) });
  }
  return weights;
}

/** Returns a loaded weight, or throws a ModelError naming it when the checkpoint lacks it. */
export function getWeight(weights: ReadonlyMap<string, Weight>, name: string): Weight {
  const weight = weights.get(name);
  if (!weight) throw new ModelError(`weight ${name} is missing from the loaded checkpoint`);
  return weight;
}

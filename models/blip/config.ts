/**
 * BLIP's config.json, read into the few numbers the graph builder needs.
 * Missing keys take the transformers class defaults (BlipTextConfig, BlipVisionConfig).
 * The checkpoint's own file wins where it sets them: it sets 12 text heads where the class default is 8.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { ModelError } from '../engine/errors.js';

export const BLIP_ARCHITECTURE = 'BlipForConditionalGeneration';

export interface VisionConfig {
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  imageSize: number;
  patchSize: number;
  layerNormEps: number;
}

export interface TextConfig {
  vocabSize: number;
  hiddenSize: number;
  intermediateSize: number;
  numLayers: number;
  numHeads: number;
  maxPositions: number;
  layerNormEps: number;
  /** Decoder start token ([DEC]); transformers writes it over the prompt's [CLS]. */
  bosTokenId: number;
  /** Generation stops on [SEP], not on config's eos_token_id. */
  sepTokenId: number;
  padTokenId: number;
}

export interface BlipConfig {
  vision: VisionConfig;
  text: TextConfig;
}

type Json = Record<string, unknown>;

function readNumber(section: Json, key: string, fallback: number, where: string): number {
  const value = section[key] ?? fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new ModelError(`${where}.${key} must be a non-negative number, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** Parses a config object; `file` is only used in messages. */
export function parseBlipConfig(raw: unknown, file: string): BlipConfig {
  if (raw === null || typeof raw !== 'object') throw new ModelError(`${file}: expected a JSON object`);
  const json = raw as Json;
  const architectures = json.architectures;
  if (!Array.isArray(architectures) || !architectures.includes(BLIP_ARCHITECTURE)) {
    throw new ModelError(`${file}: unknown architecture ${JSON.stringify(architectures ?? json.model_type ?? null)}; BLIP Bench runs ${BLIP_ARCHITECTURE} checkpoints only`);
  }
  const visionJson = (json.vision_config ?? {}) as Json;
  const textJson = (json.text_config ?? {}) as Json;
  const v = (key: string, fallback: number) => readNumber(visionJson, key, fallback, `${file} vision_config`);
  const t = (key: string, fallback: number) => readNumber(textJson, key, fallback, `${file} text_config`);

  const vision: VisionConfig = {
    hiddenSize: v('hidden_size', 768),
    intermediateSize: v('intermediate_size', 3072),
    numLayers: v('num_hidden_layers', 12),
    numHeads: v('num_attention_heads', 12),
    imageSize: v('image_size', 384),
    patchSize: v('patch_size', 16),
    layerNormEps: v('layer_norm_eps', 1e-5),
  };
  const text: TextConfig = {
    vocabSize: t('vocab_size', 30524),
    hiddenSize: t('hidden_size', 768),
    intermediateSize: t('intermediate_size', 3072),
    numLayers: t('num_hidden_layers', 12),
    numHeads: t('num_attention_heads', 8),
    maxPositions: t('max_position_embeddings', 512),
    layerNormEps: t('layer_norm_eps', 1e-12),
    bosTokenId: t('bos_token_id', 30522),
    sepTokenId: t('sep_token_id', 102),
    padTokenId: t('pad_token_id', 0),
  };
  if (vision.hiddenSize % vision.numHeads !== 0) throw new ModelError(`${file}: vision hidden_size ${vision.hiddenSize} is not a multiple of num_attention_heads ${vision.numHeads}`);
  if (text.hiddenSize % text.numHeads !== 0) throw new ModelError(`${file}: text hidden_size ${text.hiddenSize} is not a multiple of num_attention_heads ${text.numHeads}`);
  if (vision.imageSize % vision.patchSize !== 0) throw new ModelError(`${file}: image_size ${vision.imageSize} is not a multiple of patch_size ${vision.patchSize}`);
  if (text.bosTokenId >= text.vocabSize) throw new ModelError(`${file}: bos_token_id ${text.bosTokenId} is outside vocab_size ${text.vocabSize}`);
  return { vision, text };
}

/** Reads and parses `config.json` of a model directory. */
export function loadBlipConfig(modelDir: string): BlipConfig {
  const file = join(modelDir, 'config.json');
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ModelError(`${file}: failed to read the model config (${(error as Error).message}); is ${modelDir} a model directory?`, { cause: error });
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ModelError(`${file}: not valid JSON (${(error as Error).message})`, { cause: error });
  }
  return parseBlipConfig(raw, file);
}

/** Number of image tokens: patches plus the class token (577 for 384 px and 16 px patches). */
export function imageTokenCount(vision: VisionConfig): number {
  return (vision.imageSize / vision.patchSize) ** 2 + 1;
}

/** Writes config.json in the checkpoint's own layout (used by the presets). */
export function toConfigJson(config: BlipConfig): Json {
  const { vision, text } = config;
  return {
    architectures: [BLIP_ARCHITECTURE],
    model_type: 'blip',
    projection_dim: 512,
    torch_dtype: 'float32',
    vision_config: {
      hidden_size: vision.hiddenSize,
      intermediate_size: vision.intermediateSize,
      num_hidden_layers: vision.numLayers,
      num_attention_heads: vision.numHeads,
      image_size: vision.imageSize,
      patch_size: vision.patchSize,
      layer_norm_eps: vision.layerNormEps,
      hidden_act: 'gelu',
      model_type: 'blip_vision_model',
    },
    text_config: {
      vocab_size: text.vocabSize,
      hidden_size: text.hiddenSize,
      intermediate_size: text.intermediateSize,
      num_hidden_layers: text.numLayers,
      num_attention_heads: text.numHeads,
      max_position_embeddings: text.maxPositions,
      layer_norm_eps: text.layerNormEps,
      hidden_act: 'gelu',
      bos_token_id: text.bosTokenId,
      eos_token_id: 2,
      pad_token_id: text.padTokenId,
      sep_token_id: text.sepTokenId,
      encoder_hidden_size: vision.hiddenSize,
      is_decoder: true,
      use_cache: true,
      model_type: 'blip_text_model',
    },
  };
}

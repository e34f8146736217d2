/**
 * The two models the project generates itself, since the real weights cannot be downloaded here:
 * `tiny` (BLIP's architecture at small widths, for tests) and `random-base` (exactly BLIP base's
 * shapes, for performance work). Weights are seeded random; captions are meaningless, timings are not.
 */
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { writeSafetensors, type TensorToWrite } from '../checkpoint/index.js';
import { toConfigJson, type BlipConfig } from '../blip/config.js';
import { expectedTensors, LM_HEAD_MATRIX, WORD_EMBEDDINGS } from '../blip/weights.js';
import { ModelError } from '../engine/errors.js';
import { makeDirectory } from '../engine/make-directory.js';
import { buildPresetVocab, writeTokenizerFiles } from '../tokenizer/index.js';
import { SeededRandom, tensorSeed } from './seeded-random.js';

export const PRESETS = ['tiny', 'random-base'] as const;
export type Preset = (typeof PRESETS)[number];

export const DEFAULT_PRESET_SEED = 0;

const BASE_VISION = { hiddenSize: 768, intermediateSize: 3072, numLayers: 12, numHeads: 12, imageSize: 384, patchSize: 16, layerNormEps: 1e-5 };
const BASE_TEXT_IDS = { layerNormEps: 1e-12, sepTokenId: 102, padTokenId: 0 };

/** Config of each preset. Both keep 384 px images and 16 px patches, so preprocessing is the real one. */
export function presetConfig(preset: Preset): BlipConfig {
  if (preset === 'tiny') {
    // 1000 tokenizer entries plus [DEC] and [ENC], as the real model adds two rows to BERT's 30522.
    return {
      vision: { ...BASE_VISION, hiddenSize: 64, intermediateSize: 256, numLayers: 2, numHeads: 4 },
      text: { ...BASE_TEXT_IDS, vocabSize: 1002, hiddenSize: 64, intermediateSize: 256, numLayers: 2, numHeads: 4, maxPositions: 64, bosTokenId: 1000 },
    };
  }
  return {
    vision: BASE_VISION,
    text: { ...BASE_TEXT_IDS, vocabSize: 30524, hiddenSize: 768, intermediateSize: 3072, numLayers: 12, numHeads: 12, maxPositions: 512, bosTokenId: 30522 },
  };
}

export const PREPROCESSOR_CONFIG = {
  do_convert_rgb: true,
  do_normalize: true,
  do_rescale: true,
  do_resize: true,
  image_mean: [0.48145466, 0.4578275, 0.40821073],
  image_std: [0.26862954, 0.26130258, 0.27577711],
  image_processor_type: 'BlipImageProcessor',
  processor_class: 'BlipProcessor',
  resample: 3,
  rescale_factor: 1 / 255,
  size: { height: 384, width: 384 },
};

/**
 * Draws one tensor. Scales keep activations near unit variance through every layer (1/√fan_in for
 * matrices) and LayerNorm parameters away from 1 and 0, so the parity tests exercise them.
 */
function randomTensor(name: string, shape: number[], seed: number): Float32Array {
  const random = new SeededRandom(tensorSeed(seed, name));
  const count = shape.reduce((a, b) => a * b, 1);
  const isNorm = /(layer_norm\d|LayerNorm|post_layernorm)\./.test(name);
  if (isNorm) return name.endsWith('.weight') ? random.normals(count, 1, 0.1) : random.normals(count, 0, 0.05);
  if (name.endsWith('.bias')) return random.normals(count, 0, 0.02);
  if (name.includes('embedding') || name.endsWith('class_embedding')) return random.normals(count, 0, name.includes('word_embeddings') ? 1 : 0.5);
  const fanIn = shape.slice(1).reduce((a, b) => a * b, 1);
  return random.normals(count, 0, 1 / Math.sqrt(fanIn));
}

function* presetTensors(config: BlipConfig, seed: number): Generator<TensorToWrite> {
  let wordEmbeddings: Float32Array | undefined;
  for (const [name, shape] of expectedTensors(config)) {
    // The LM head matrix is stored and value-identical to the word embeddings, as in the real checkpoint.
    const data = name === LM_HEAD_MATRIX && wordEmbeddings ? wordEmbeddings : randomTensor(name, shape, seed);
    if (name === WORD_EMBEDDINGS) wordEmbeddings = data;
    yield { name, dtype: 'F32', shape, data };
  }
}

export interface PresetOptions {
  seed?: number;
  /** Replace an existing model directory instead of failing. */
  force?: boolean;
}

/**
 * Writes a complete model directory (checkpoint, configs, tokenizer) for a preset. It is built in a
 * staging folder that is removed on failure, so `outDir` appears only when complete.
 */
export async function buildPresetModel(preset: Preset, outDir: string, options: PresetOptions = {}): Promise<void> {
  if (!PRESETS.includes(preset)) throw new ModelError(`unknown preset "${preset}"; choose one of ${PRESETS.join(', ')}`);
  const seed = options.seed ?? DEFAULT_PRESET_SEED;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) throw new ModelError(`seed must be an integer in [0, 4294967295], got ${seed}`);
  if (existsSync(outDir) && !options.force) throw new ModelError(`${outDir} already exists; remove it or pass --force to replace it`);

  const config = presetConfig(preset);
  const staging = `${outDir}.partial-${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  try {
    makeDirectory(staging);
  } catch (error) {
    throw new ModelError(`cannot create ${outDir}: ${(error as Error).message}; choose a writable --out folder`, { cause: error });
  }
  try {
    writeFileSync(join(staging, 'config.json'), `${JSON.stringify(toConfigJson(config), null, 2)}\n`);
    writeFileSync(join(staging, 'preprocessor_config.json'), `${JSON.stringify(PREPROCESSOR_CONFIG, null, 2)}\n`);
    await writeTokenizerFiles(staging, buildPresetVocab(preset));
    await writeSafetensors(join(staging, 'model.safetensors'), presetTensors(config, seed), { format: 'pt', preset, seed: String(seed) });
    writeFileSync(join(staging, 'blipbench-source.json'), `${JSON.stringify({ source: 'preset', preset, seed, randomWeights: true }, null, 2)}\n`);
    rmSync(outDir, { recursive: true, force: true });
    renameSync(staging, outDir);
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Builds a variant from the checkpoint: load fp32 weights, apply the pruning steps, choose the Linear
 * operators for the quantization method, write both graphs and the build report.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { buildBlipGraphs } from '../blip/build-graphs.js';
import { loadBlipConfig, type BlipConfig } from '../blip/config.js';
import { loadBlipWeights, textLayer, visionLayer, type Weight } from '../blip/weights.js';
import { SafetensorsFile } from '../checkpoint/index.js';
import { ModelError } from '../engine/errors.js';
import type { VariantBuildReport } from './build-report.js';
import { linearEmitterFor } from './quantization/index.js';
import { applyPruning, measureSparsity } from './pruning/index.js';
import { buildHash, type Variant } from './spec.js';
import { ensureVariant, REPORT_FILE } from './store.js';

export const CHECKPOINT_FILE = 'model.safetensors';

function layerShapes(config: BlipConfig, weights: ReadonlyMap<string, Weight>): VariantBuildReport['shapes'] {
  const visionHeadDim = config.vision.hiddenSize / config.vision.numHeads;
  const textHeadDim = config.text.hiddenSize / config.text.numHeads;
  const rows = (name: string) => weights.get(name)?.shape[0] ?? 0;
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    vision: {
      heads: range(config.vision.numLayers).map((i) => rows(`${visionLayer(i)}.self_attn.qkv.weight`) / 3 / visionHeadDim),
      intermediate: range(config.vision.numLayers).map((i) => rows(`${visionLayer(i)}.mlp.fc1.weight`)),
    },
    text: {
      heads: range(config.text.numLayers).map((i) => rows(`${textLayer(i)}.attention.self.query.weight`) / textHeadDim),
      crossHeads: range(config.text.numLayers).map((i) => rows(`${textLayer(i)}.crossattention.self.query.weight`) / textHeadDim),
      intermediate: range(config.text.numLayers).map((i) => rows(`${textLayer(i)}.intermediate.dense.weight`)),
    },
  };
}

/** Opens the model directory's checkpoint, checking every tensor against config.json. */
export function loadCheckpoint(modelDir: string): { config: BlipConfig; weights: Map<string, Weight> } {
  const config = loadBlipConfig(modelDir);
  const path = join(modelDir, CHECKPOINT_FILE);
  let file: SafetensorsFile;
  try {
    file = SafetensorsFile.open(path);
  } catch (error) {
    const message = (error as Error).message;
    throw new ModelError(message.includes(path) ? message : `${path}: ${message}`, { cause: error });
  }
  return { config, weights: loadBlipWeights(file, config) };
}

async function buildInto(stagingDir: string, modelDir: string, variant: Variant): Promise<VariantBuildReport> {
  const started = performance.now();
  const { config, weights } = loadCheckpoint(modelDir);
  const pruned = applyPruning(weights, config, variant.pruning);
  const { emitter, kernels } = linearEmitterFor(variant.quantization, config, variant.pruning);
  const files = buildBlipGraphs(stagingDir, config, pruned, emitter, { buildHash: buildHash(variant) });
  const report: VariantBuildReport = {
    buildHash: buildHash(variant),
    spec: { pruning: variant.pruning, quantization: variant.quantization },
    builtAt: new Date().toISOString(),
    buildTimeMs: Math.round(performance.now() - started),
    bytesOnDisk: files.bytesOnDisk,
    sparsity: measureSparsity(pruned, config),
    shapes: layerShapes(config, pruned),
    linearKernels: kernels,
  };
  writeFileSync(join(stagingDir, REPORT_FILE), `${JSON.stringify(report, null, 2)}\n`);
  return report;
}

/** Builds the variant into the model store unless it is there already. */
export async function ensureVariantBuilt(modelDir: string, variant: Variant) {
  return ensureVariant(modelDir, buildHash(variant), (staging) => buildInto(staging, modelDir, variant));
}

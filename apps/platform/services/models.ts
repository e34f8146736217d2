/**
 * The models a sweep may name. Each worker generates presets from their seed, so every host gets
 * identical weights. Hub models are downloaded by each worker into its model store.
 */
import type { PrismaClient } from '../db/client.js';
import type { Model } from '../../../prisma/generated/client.js';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

import { checkVariantForModel, loadBlipConfig, presetConfig, PRESETS, VariantError, type BlipConfig, type Preset, type Variant } from '../../../models/index.js';
import { HttpError } from '../errors.js';

export type { Model };

export interface ModelRegistration {
  name: string;
  source: 'preset' | 'hub';
  preset?: 'tiny' | 'random-base';
  seed?: number;
  hubRepo?: string;
  hubRevision?: string;
  randomWeights: boolean;
}

export const HUB_MODEL_NAME = 'blip-image-captioning-base';

/** Registered at every API start; a directory of the same name under the model store is reused as is. */
export const BUILTIN_MODELS: readonly ModelRegistration[] = Object.freeze([
  { name: 'tiny', source: 'preset', preset: 'tiny', seed: 0, randomWeights: true },
  { name: 'random-base', source: 'preset', preset: 'random-base', seed: 0, randomWeights: true },
  { name: HUB_MODEL_NAME, source: 'hub', hubRepo: 'Salesforce/blip-image-captioning-base', hubRevision: 'main', randomWeights: false },
]);

export async function registerBuiltinModels(prisma: PrismaClient): Promise<void> {
  await prisma.model.createMany({ data: BUILTIN_MODELS.map((model) => ({ ...model })), skipDuplicates: true });
}

/** Returns the model, or throws HttpError 404 that lists the registered names. */
export async function requireModel(prisma: PrismaClient, name: string, field = 'model'): Promise<Model> {
  const model = await prisma.model.findUnique({ where: { name } });
  if (model) return model;
  const names = (await prisma.model.findMany({ select: { name: true }, orderBy: { name: 'asc' } })).map((row) => row.name);
  throw new HttpError(404, 'unknown_model', `${field}: unknown model "${name}"; registered models: ${names.join(', ') || 'none'}`);
}

export function listModels(prisma: PrismaClient): Promise<Model[]> {
  return prisma.model.findMany({ orderBy: { name: 'asc' } });
}

/**
 * Returns the config that a model's variants are checked against before jobs are queued: a preset's own, the
 * model store's copy of a downloaded checkpoint, or BLIP base's shapes for a hub model not yet fetched.
 */
export function modelConfig(model: Model, modelStore: string): BlipConfig {
  if (model.source === 'preset' && model.preset && (PRESETS as readonly string[]).includes(model.preset)) return presetConfig(model.preset as Preset);
  const dir = join(modelStore, model.name);
  if (existsSync(join(dir, 'config.json'))) return loadBlipConfig(dir);
  return presetConfig('random-base');
}

/** Checks every variant against the model, as a 422 naming the variant and field. */
export function checkVariantsForModel(model: Model, modelStore: string, variants: readonly Variant[], forceNewTokens?: number | null): void {
  const config = modelConfig(model, modelStore);
  for (const variant of variants) {
    try {
      checkVariantForModel(variant, config, { forceNewTokens });
    } catch (error) {
      if (!(error instanceof VariantError)) throw error;
      const label = variant.name ? `variant "${variant.name}"` : 'a variant';
      throw new HttpError(422, 'invalid_variant', `${label} cannot run on model "${model.name}": ${error.message}`);
    }
  }
}

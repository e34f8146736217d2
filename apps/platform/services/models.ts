/**
 * The models a sweep may name. Each worker generates presets from their seed, so every host gets
 * identical weights. Hub models are downloaded by each worker into its model store.
 */
import type { PrismaClient } from '../db/client.js';
import type { Model } from '../../../prisma/generated/client.js';
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

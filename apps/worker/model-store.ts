/**
 * Materializes a registered model into this host's model store: presets are generated from their
 * seed (identical on every host), hub models downloaded. One process per host does the work under
 * a lock file; the others wait and reuse the finished directory.
 */
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';

import { buildOnce } from '../../models/engine/host-lock.js';
import { buildPresetModel, fetchFromHub, ModelError, PRESETS, type Preset } from '../../models/index.js';
import type { Model } from '../platform/services/models.js';

/** A lock older than this belongs to a download or build that died. */
const STALE_LOCK_MS = 60 * 60 * 1000;

function isComplete(dir: string): boolean {
  return existsSync(join(dir, 'config.json'));
}

async function materialize(model: Model, dir: string): Promise<void> {
  if (model.source === 'preset') {
    if (!model.preset || !(PRESETS as readonly string[]).includes(model.preset)) throw new ModelError(`model "${model.name}" names unknown preset "${model.preset}"`);
    await buildPresetModel(model.preset as Preset, dir, { seed: model.seed ?? 0 });
    return;
  }
  if (model.source === 'hub' && model.hubRepo) {
    await fetchFromHub({ repo: model.hubRepo, revision: model.hubRevision ?? 'main', outDir: dir });
    return;
  }
  throw new ModelError(`model "${model.name}" has source "${model.source}", which workers cannot materialize`);
}

/** Returns the model's directory under `storeDir`, creating it first when this host has none. */
export async function ensureModelDir(storeDir: string, model: Model): Promise<string> {
  const dir = join(storeDir, model.name);
  if (isComplete(dir)) return dir;
  mkdirSync(dirname(dir), { recursive: true });
  const { value } = await buildOnce({
    lockFile: `${dir}.lock`,
    staleMs: STALE_LOCK_MS,
    existing: () => (isComplete(dir) ? dir : undefined),
    build: async () => {
      // A directory without config.json is a leftover of an interrupted copy, not a model.
      rmSync(dir, { recursive: true, force: true });
      await materialize(model, dir);
      return dir;
    },
  });
  return value;
}

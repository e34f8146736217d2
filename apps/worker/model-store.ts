/**
 * Materializes a registered model into this host's model store: presets are generated from their
 * seed (identical on every host), hub models downloaded. One process per host does the work under
 * a lock file; the others wait and reuse the finished directory.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { buildPresetModel, fetchFromHub, ModelError, PRESETS, type Preset } from '../../models/index.js';
import type { Model } from '../platform/services/models.js';

/** A lock older than this belongs to a download or build that died. */
const STALE_LOCK_MS = 60 * 60 * 1000;
const POLL_MS = 200;

function isComplete(dir: string): boolean {
  return existsSync(join(dir, 'config.json'));
}

function ownerIsGone(lockFile: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as { host?: string; pid?: number };
    if (owner.host === hostname() && typeof owner.pid === 'number') {
      try {
        process.kill(owner.pid, 0);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
      }
    }
    return Date.now() - statSync(lockFile).mtimeMs > STALE_LOCK_MS;
  } catch {
    // The owner released the lock between our checks, or is still writing it.
    return false;
  }
}

function tryLock(lockFile: string): boolean {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, JSON.stringify({ host: hostname(), pid: process.pid }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
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
  const lockFile = `${dir}.lock`;
  for (;;) {
    if (isComplete(dir)) return dir;
    if (tryLock(lockFile)) break;
    if (ownerIsGone(lockFile)) rmSync(lockFile, { force: true });
    else await sleep(POLL_MS);
  }
  try {
    if (!isComplete(dir)) {
      // A directory without config.json is a leftover of an interrupted copy, not a model.
      rmSync(dir, { recursive: true, force: true });
      await materialize(model, dir);
    }
    return dir;
  } finally {
    rmSync(lockFile, { force: true });
  }
}

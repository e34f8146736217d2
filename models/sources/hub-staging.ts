import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { HubSourceError } from './hub-errors.js';
import { isProcessAlive } from '../engine/host-lock.js';

/**
 * Creates or takes over the staging directory `${outDir}.partial-<pid>` for this process. A staging
 * directory left by a fetch whose process has exited is taken over, so its partial downloads resume.
 * One whose process still runs belongs to another fetch into the same outDir, which is an error.
 */
export async function prepareStaging(outDir: string): Promise<string> {
  const parent = dirname(outDir);
  const own = `${outDir}.partial-${process.pid}`;
  await mkdir(parent, { recursive: true });
  const prefix = `${basename(outDir)}.partial-`;
  for (const name of await readdir(parent)) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(name.slice(prefix.length));
    const path = join(parent, name);
    if (!Number.isInteger(pid) || path === own) continue;
    if (isProcessAlive(pid)) throw new HubSourceError(`Another fetch (process ${pid}) is writing ${outDir}; wait for it or remove ${path}.`);
    if (!(await exists(own))) await rename(path, own);
  }
  await mkdir(join(own, '.partial'), { recursive: true });
  return own;
}

/** Moves the finished staging directory to outDir, replacing an existing outDir only when `overwrite` is set. */
export async function publishStaging(staging: string, outDir: string, overwrite: boolean): Promise<void> {
  await rm(join(staging, '.partial'), { recursive: true, force: true });
  if (await exists(outDir)) {
    if (!overwrite) throw new HubSourceError(`${outDir} already exists; remove it or pass overwrite.`);
    const old = `${outDir}.old-${process.pid}`;
    await rename(outDir, old);
    await rename(staging, outDir);
    await rm(old, { recursive: true, force: true });
    return;
  }
  await rename(staging, outDir);
}

export async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}


/**
 * The model store: each variant of a model is built once into `MODEL/variants/<buildHash>/` and reused.
 * Several workers on one host may ask for the same variant at once: one takes an exclusive lock file
 * and builds into a private staging folder that is renamed into place when complete; the others wait,
 * so nobody ever reads a half-written variant.
 */
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import type { VariantBuildReport } from './build-report.js';

export const VARIANTS_FOLDER = 'variants';
export const REPORT_FILE = 'variant.json';

/** A lock older than this is taken to belong to a build that died (the largest build takes minutes). */
const STALE_LOCK_MS = 30 * 60 * 1000;
const POLL_MS = 250;

export function variantDir(modelDir: string, buildHash: string): string {
  return join(modelDir, VARIANTS_FOLDER, buildHash);
}

export function readReport(dir: string): VariantBuildReport | undefined {
  const file = join(dir, REPORT_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as VariantBuildReport;
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** True when the lock's owner is gone: a dead process on this host, or a lock past its age limit. */
function isStale(lockFile: string): boolean {
  try {
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as { host?: string; pid?: number };
    if (owner.host === hostname() && typeof owner.pid === 'number' && !isProcessAlive(owner.pid)) return true;
    return Date.now() - statSync(lockFile).mtimeMs > STALE_LOCK_MS;
  } catch {
    // The owner removed the lock between our checks, or is still writing it: not stale.
    return false;
  }
}

function tryLock(lockFile: string): boolean {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/**
 * Returns the variant's folder, building it with `build(stagingDir)` unless a complete one exists.
 * `reused` tells whether this call found it built.
 */
export async function ensureVariant(
  modelDir: string,
  buildHash: string,
  build: (stagingDir: string) => Promise<VariantBuildReport>,
): Promise<{ dir: string; report: VariantBuildReport; reused: boolean }> {
  const dir = variantDir(modelDir, buildHash);
  mkdirSync(join(modelDir, VARIANTS_FOLDER), { recursive: true });
  const lockFile = `${dir}.lock`;
  for (;;) {
    const existing = readReport(dir);
    if (existing) return { dir, report: existing, reused: true };
    if (tryLock(lockFile)) break;
    if (isStale(lockFile)) rmSync(lockFile, { force: true });
    else await sleep(POLL_MS);
  }
  const staging = `${dir}.partial-${hostname()}-${process.pid}`;
  try {
    // Another builder may have finished between our last look and taking the lock.
    const existing = readReport(dir);
    if (existing) return { dir, report: existing, reused: true };
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(staging, { recursive: true });
    const report = await build(staging);
    // rename is atomic, so readers see either no folder or a complete one with its report.
    renameSync(staging, dir);
    return { dir, report, reused: false };
  } catch (error) {
    rmSync(staging, { recursive: true, force: true });
    throw error;
  } finally {
    rmSync(lockFile, { force: true });
  }
}

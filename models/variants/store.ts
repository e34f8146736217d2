/**
 * The model store: each variant of a model is built once into `MODEL/variants/<buildHash>/` and reused.
 * Several workers on one host may ask for the same variant at once: one takes an exclusive lock file
 * and builds into a private staging folder that is renamed into place when complete. The others wait,
 * so no process reads a half-written variant.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

import { buildOnce } from '../engine/host-lock.js';
import type { VariantBuildReport } from './build-report.js';

export const VARIANTS_FOLDER = 'variants';
export const REPORT_FILE = 'variant.json';

/** A lock older than this is taken to belong to a build that died (the largest build takes minutes). */
const STALE_LOCK_MS = 30 * 60 * 1000;

export function variantDir(modelDir: string, buildHash: string): string {
  return join(modelDir, VARIANTS_FOLDER, buildHash);
}

export function readReport(dir: string): VariantBuildReport | undefined {
  const file = join(dir, REPORT_FILE);
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as VariantBuildReport;
}

/**
 * Returns the variant's folder, building it with `build(stagingDir)` unless a complete one exists.
 * `reused` is true when this call found it built.
 */
export async function ensureVariant(
  modelDir: string,
  buildHash: string,
  build: (stagingDir: string) => Promise<VariantBuildReport>,
): Promise<{ dir: string; report: VariantBuildReport; reused: boolean }> {
  const dir = variantDir(modelDir, buildHash);
  mkdirSync(join(modelDir, VARIANTS_FOLDER), { recursive: true });
  const staging = `${dir}.partial-${hostname()}-${process.pid}`;
  const { value: report, reused } = await buildOnce({
    lockFile: `${dir}.lock`,
    staleMs: STALE_LOCK_MS,
    existing: () => readReport(dir),
    build: async () => {
      rmSync(staging, { recursive: true, force: true });
      mkdirSync(staging, { recursive: true });
      try {
        const built = await build(staging);
        // rename is atomic, so readers see either no folder or a complete one with its report.
        renameSync(staging, dir);
        return built;
      } catch (error) {
        rmSync(staging, { recursive: true, force: true });
        throw error;
      }
    },
  });
  return { dir, report, reused };
}

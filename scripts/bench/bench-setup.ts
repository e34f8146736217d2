/**
 * Helpers of every benchmark script: resolving `--model`, the default photo, the host's peaks,
 * the load average around a measurement, and writing the JSON result under bench-results/.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';

import { InvalidArgumentError } from 'commander';

import { measureHardware, type HardwarePeaks } from '../../models/bench/index.js';
import { buildPresetModel, PRESETS, type Preset } from '../../models/index.js';
import type { Command } from 'commander';

const PROJECT_ROOT = resolve(import.meta.dirname, '..', '..');

/** Folder of the presets named on the command line; each is built there on first use. */
export const PRESET_STORE = join(PROJECT_ROOT, 'models', 'store');

export function parsePositiveInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} expects a positive integer, got "${value}"`);
    return n;
  };
}

export function parseNonNegativeInteger(name: string) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`${name} expects a non-negative integer, got "${value}"`);
    return n;
  };
}

/**
 * Resolves `--model`: a preset name (random-base, tiny) means models/store/<preset>, built with seed 0
 * when missing; anything else must be a model directory with a config.json.
 */
export async function resolveModelDir(value: string, log: (line: string) => void): Promise<string> {
  if ((PRESETS as readonly string[]).includes(value)) {
    const dir = join(PRESET_STORE, value);
    if (!existsSync(join(dir, 'config.json'))) {
      log(`building preset ${value} into ${dir} (once; random-base writes 1 GB)`);
      await buildPresetModel(value as Preset, dir, { seed: 0 });
    }
    return dir;
  }
  const dir = resolve(value);
  if (!existsSync(join(dir, 'config.json'))) {
    throw new Error(`--model ${value}: ${join(dir, 'config.json')} not found; pass ${PRESETS.join(' or ')} or a model directory from \`blipbench model build\``);
  }
  return dir;
}

/** Returns the photo used unless `--image` names one: chelsea.png (a cat) from BLIPBENCH_SAMPLE_IMAGES, the platform's sample folder. */
export function defaultImage(): string {
  const folder = process.env.BLIPBENCH_SAMPLE_IMAGES ?? join(PROJECT_ROOT, '..', 'shared', 'data', 'images');
  return join(folder, 'chelsea.png');
}

export function checkImage(path: string): string {
  if (!existsSync(path)) throw new Error(`image ${path} not found; pass --image FILE or set BLIPBENCH_SAMPLE_IMAGES to a folder with chelsea.png`);
  return resolve(path);
}

/** Reads `blipbench bench hardware --json` output (or bare peaks), or measures the peaks now. */
export async function loadPeaks(file: string | undefined, log: (line: string) => void): Promise<HardwarePeaks> {
  if (file === undefined) {
    log('measuring the host peaks (pass --peaks FILE from `blipbench bench hardware --json` to skip)');
    return measureHardware({ onProgress: (step) => log(`  ${step}`) });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`--peaks ${file}: cannot read it as JSON (${(error as Error).message})`, { cause: error });
  }
  const peaks = (parsed as { peaks?: unknown }).peaks ?? parsed;
  if (typeof peaks !== 'object' || peaks === null || !('fp32GemmGflops' in peaks) || !('bandwidthGBps' in peaks)) {
    throw new Error(`--peaks ${file}: expected the output of \`blipbench bench hardware --json\` (an object with peaks.fp32GemmGflops and peaks.bandwidthGBps)`);
  }
  return peaks as HardwarePeaks;
}

/** Returns the 1, 5 and 15 minute load averages, because a busy host makes every timing slower. */
export function loadAverage(): [number, number, number] {
  const [one, five, fifteen] = os.loadavg();
  return [one, five, fifteen];
}

/** One line of a benchmark's run log: the run, its end-to-end time and the load while it ran. */
export interface RunLogEntry {
  subject: string;
  run: number;
  warmup: boolean;
  totalMs: number;
  /** The 1-minute load average right after the run. */
  load1: number;
}

export function parseLoad(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`--max-load expects a positive number, got "${value}"`);
  return n;
}

/**
 * Waits until the 1-minute load average is at most `maxLoad`, checking every 10 s. After
 * `timeoutMinutes` it goes on anyway and logs that the host was still busy, so a benchmark never hangs.
 * The benchmark's own runs count in the load average: on a 2-core host the peer benchmark alone kept it near 1.7.
 */
export async function waitForLoad(maxLoad: number | undefined, log: (line: string) => void, timeoutMinutes = 10): Promise<void> {
  if (maxLoad === undefined) return;
  const deadline = Date.now() + timeoutMinutes * 60_000;
  for (;;) {
    const load = os.loadavg()[0];
    if (load <= maxLoad) return;
    if (Date.now() >= deadline) {
      log(`the 1-minute load average is still ${load.toFixed(2)} after ${timeoutMinutes} minutes, above --max-load ${maxLoad}; measuring anyway`);
      return;
    }
    log(`waiting for the 1-minute load average (${load.toFixed(2)}) to fall to ${maxLoad}`);
    await new Promise((resolve) => setTimeout(resolve, 10_000));
  }
}

/** Writes a result as bench-results/<name>-<UTC date and time>.json; returns the path. */
/** Builds the fields every benchmark's JSON result starts with: what ran, when, where, and the load meanwhile. */
export function resultHeader(benchmark: string, started: Date, host: unknown, load: { before: number[]; after: number[] }, runLog: RunLogEntry[]) {
  return { benchmark, startedAt: started.toISOString(), finishedAt: new Date().toISOString(), command: process.argv.slice(2), host, load, runLog };
}

export function writeResult(name: string, result: unknown, out?: string): string {
  const stamp = new Date().toISOString().replace(/:/g, '-').replace(/\.\d+Z$/, 'Z');
  const path = out ?? join(PROJECT_ROOT, 'bench-results', `${name}-${stamp}.json`);
  mkdirSync(resolve(path, '..'), { recursive: true });
  writeFileSync(path, `${JSON.stringify(result, null, 2)}\n`);
  return path;
}

/**
 * Adds the options every model benchmark shares (model, image, runs, warm-ups, tokens, peaks, load,
 * output file) and runs the program, reporting a failure as one line on stderr.
 */
export function withCommonOptions(program: Command, subject: string, resultName: string): Command {
  return program
    .option('--runs <n>', `timed runs of each ${subject}`, parsePositiveInteger('--runs'), 10)
    .option('--warmup <n>', `untimed runs of each ${subject} before the timed ones`, parseNonNegativeInteger('--warmup'), 1)
    .option('--new-tokens <n>', 'tokens every timed caption decodes', parsePositiveInteger('--new-tokens'), 20)
    .option('--peaks <file>', 'host peaks from `blipbench bench hardware --json` (measured now when omitted)')
    .option('--max-load <n>', 'before each round of runs, wait (up to 10 minutes) until the 1-minute load average is at most n', parseLoad)
    .option('--out <file>', `where to write the JSON result (default bench-results/${resultName}-<date>.json)`);
}

/** Parses the command line and runs the action; a failure becomes one line and exit code 1. */
export async function runBenchmark(program: Command, name: string): Promise<void> {
  try {
    await program.parseAsync(process.argv);
  } catch (error) {
    process.stderr.write(`${name}: ${(error as Error).message}\n`);
    if (process.env.BLIPBENCH_DEBUG === '1') process.stderr.write(`${(error as Error).stack}\n`);
    process.exitCode = 1;
  }
}

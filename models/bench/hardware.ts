/**
 * The host's own limits, measured with onnxruntime: peak fp32 and int8 GEMM throughput at one thread
 * and at onnxruntime's default thread count, and memory read bandwidth. Benchmark results divide
 * their FLOPs and bytes by these to say how close a variant runs to what the host allows.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { GraphSession, OrtTensor, onnxruntimeVersion, type Feeds } from '../engine/onnx-session.js';
import { buildDynamicQuantizeGemm, buildFp32Gemm, buildMatMulInteger, buildMatVec } from './hardware-graphs.js';

export interface HardwareOptions {
  /**
   * Shapes [M, K, N] of the GEMMs; each kernel's peak is the best over them. The defaults are the
   * squares 1024 and 2048 and BLIP base's vision MLP, [577, 768, 3072]. Several shapes are needed
   * because on a 2-core AMD EPYC (Zen 4) onnxruntime 1.31.1's fp32 MatMul reached 94 GFLOP/s at 1024
   * and 67 at 2048 on one thread.
   */
  gemmShapes: readonly GemmShape[];
  /**
   * Bytes of the fp32 weight that the bandwidth tests stream. Default 1 GiB: 30 times a 32 MiB L3
   * cache, so nearly every byte comes from memory.
   */
  bandwidthBytes: number;
  /** Timed runs of each graph after one untimed warm-up run. Default 5. */
  repetitions: number;
  /** Folder for the temporary graphs (removed afterwards). Default: a new folder under the OS temp dir. */
  workDir?: string;
  /** Called before each measurement starts, e.g. to print progress. */
  onProgress?: (step: string) => void;
}

/** [M, K, N]: an [M, K] input times a [K, N] weight. */
export type GemmShape = readonly [number, number, number];

export const DEFAULT_HARDWARE_OPTIONS: Readonly<HardwareOptions> = Object.freeze({
  gemmShapes: Object.freeze([Object.freeze([1024, 1024, 1024]), Object.freeze([2048, 2048, 2048]), Object.freeze([577, 768, 3072])] as GemmShape[]),
  bandwidthBytes: 1024 ** 3,
  repetitions: 5,
});

/** One throughput measurement: `peak` from the fastest run, `median` from the median run. */
export interface Throughput {
  peak: number;
  median: number;
  bestMs: number;
  medianMs: number;
}

/**
 * A throughput at one intra-op thread and at onnxruntime's default thread count (one per physical
 * core). Variants run with the default count unless `runtime.threads` sets another.
 */
export interface ThreadedThroughput {
  singleThread: Throughput;
  allCores: Throughput;
}

/** The three GEMM kernels at one shape. */
export interface GemmMeasurement {
  shape: [number, number, number];
  fp32Gflops: ThreadedThroughput;
  dynamicQuantizeMatMulGops: ThreadedThroughput;
  matMulIntegerGops: ThreadedThroughput;
}

/** Peaks returned by `measureHardware`; workers store them beside their host fingerprint. */
export interface HardwarePeaks {
  measuredAt: string;
  onnxruntimeVersion: string;
  bandwidthBytes: number;
  repetitions: number;
  /** Every GEMM shape as measured; the peaks below are the best of these. */
  gemmByShape: GemmMeasurement[];
  /** fp32 MatMul, GFLOP/s (2·M·N·K per run). */
  fp32GemmGflops: ThreadedThroughput;
  /** int8 GEMMs, GOP/s (2·M·N·K multiply-adds per run, counted like FLOPs). */
  int8GemmGops: {
    /** The int8-dynamic variants' kernel; includes quantizing the fp32 input at run time. */
    dynamicQuantizeMatMul: ThreadedThroughput;
    matMulInteger: ThreadedThroughput;
  };
  /** Memory bandwidth, GB/s (10⁹ bytes per second). */
  bandwidthGBps: {
    /** Weight bytes read per second by a [1, K] × [K, N] fp32 MatMul: a decoder step's access pattern. */
    matVecRead: ThreadedThroughput;
    /** Bytes read plus bytes written per second by one JavaScript typed-array copy (single thread). */
    typedArrayCopy: Throughput;
  };
}

function checkOptions(options: HardwareOptions): void {
  if (options.gemmShapes.length === 0) throw new RangeError('gemmShapes must list at least one [M, K, N] shape, e.g. [[1024, 1024, 1024]]');
  for (const shape of options.gemmShapes) {
    if (shape.length !== 3 || shape.some((dim) => !Number.isInteger(dim) || dim < 64 || dim > 16384)) {
      throw new RangeError(`gemmShapes must contain [M, K, N] shapes of integers in [64, 16384], got [${shape.join(', ')}]`);
    }
  }
  if (!Number.isInteger(options.bandwidthBytes) || options.bandwidthBytes < 64 * 1024 ** 2 || options.bandwidthBytes > 8 * 1024 ** 3) {
    throw new RangeError(`bandwidthBytes must be an integer from 64 MiB to 8 GiB, got ${options.bandwidthBytes}`);
  }
  if (!Number.isInteger(options.repetitions) || options.repetitions < 1 || options.repetitions > 1000) {
    throw new RangeError(`repetitions must be an integer in [1, 1000], got ${options.repetitions}`);
  }
}

/** Runs `body` once untimed, then `repetitions` times timed; returns each timed run's milliseconds. */
async function timeRuns(repetitions: number, body: () => Promise<unknown> | unknown): Promise<number[]> {
  await body();
  const times: number[] = [];
  for (let i = 0; i < repetitions; i++) {
    const started = performance.now();
    await body();
    times.push(performance.now() - started);
  }
  return times;
}

/** Converts run times to a throughput of `work` units per run, scaled by `unit` (1e9 for giga). */
function throughput(timesMs: number[], work: number, unit: number): Throughput {
  const sorted = [...timesMs].sort((a, b) => a - b);
  const bestMs = sorted[0];
  const medianMs = sorted.length % 2 === 1 ? sorted[(sorted.length - 1) / 2] : (sorted[sorted.length / 2 - 1] + sorted[sorted.length / 2]) / 2;
  const rate = (ms: number) => work / (ms / 1000) / unit;
  return { peak: rate(bestMs), median: rate(medianMs), bestMs, medianMs };
}

async function timeGraph(path: string, threads: number, feeds: Feeds, repetitions: number): Promise<number[]> {
  const session = await GraphSession.open(path, { threads, graphOptimization: 'all' });
  try {
    return await timeRuns(repetitions, () => session.run(feeds));
  } finally {
    await session.release();
  }
}

async function timeBothThreadings(path: string, feeds: Feeds, work: number, repetitions: number): Promise<ThreadedThroughput> {
  // threads 0 leaves the count to onnxruntime, exactly as a variant with the default runtime settings.
  const singleThread = throughput(await timeGraph(path, 1, feeds, repetitions), work, 1e9);
  const allCores = throughput(await timeGraph(path, 0, feeds, repetitions), work, 1e9);
  return { singleThread, allCores };
}

/** Picks, per threading, the measurement with the highest peak. */
function best(measured: ThreadedThroughput[]): ThreadedThroughput {
  const highest = (pick: (entry: ThreadedThroughput) => Throughput) => measured.map(pick).reduce((a, b) => (b.peak > a.peak ? b : a));
  return { singleThread: highest((entry) => entry.singleThread), allCores: highest((entry) => entry.allCores) };
}

async function measureGemms(dir: string, shape: GemmShape, repetitions: number, progress: (step: string) => void): Promise<GemmMeasurement> {
  const [m, k, n] = shape;
  const work = 2 * m * k * n;
  const label = `${m}×${k}×${n}`;
  const floats = new OrtTensor('float32', new Float32Array(m * k).map((_, i) => ((i % 251) - 125) / 125), [m, k]);
  const bytes = new OrtTensor('uint8', new Uint8Array(m * k).map((_, i) => i % 251), [m, k]);
  progress(`fp32 MatMul ${label}`);
  const fp32Gflops = await timeBothThreadings(buildFp32Gemm(dir, m, k, n), { a: floats }, work, repetitions);
  progress(`int8 DynamicQuantizeMatMul ${label}`);
  const dynamicQuantizeMatMulGops = await timeBothThreadings(buildDynamicQuantizeGemm(dir, m, k, n), { a: floats }, work, repetitions);
  progress(`int8 MatMulInteger ${label}`);
  const matMulIntegerGops = await timeBothThreadings(buildMatMulInteger(dir, m, k, n), { a: bytes }, work, repetitions);
  return { shape: [m, k, n], fp32Gflops, dynamicQuantizeMatMulGops, matMulIntegerGops };
}

function typedArrayCopy(bytes: number, repetitions: number): Promise<Throughput> {
  const source = new Float64Array(bytes / 8);
  const target = new Float64Array(bytes / 8);
  source.fill(1.5);
  return timeRuns(repetitions, () => target.set(source)).then((times) => throughput(times, 2 * bytes, 1e9));
}

/** Measures the host's GEMM peaks and memory bandwidth; takes about a minute with the defaults on 2 cores. */
export async function measureHardware(options: Partial<HardwareOptions> = {}): Promise<HardwarePeaks> {
  const settings: HardwareOptions = { ...DEFAULT_HARDWARE_OPTIONS, ...options };
  checkOptions(settings);
  const { repetitions } = settings;
  const progress = settings.onProgress ?? (() => undefined);
  const dir = settings.workDir ?? mkdtempSync(join(tmpdir(), 'blipbench-hardware-'));
  const ownsDir = settings.workDir === undefined;

  try {
    const gemmByShape: GemmMeasurement[] = [];
    for (const shape of settings.gemmShapes) gemmByShape.push(await measureGemms(dir, shape, repetitions, progress));

    // A wide [K, N] weight with K = 8192 rows: N follows from the byte budget.
    const rows = 8192;
    const columns = Math.floor(settings.bandwidthBytes / 4 / rows);
    const weightBytes = rows * columns * 4;
    progress(`fp32 matrix-vector MatMul over ${(weightBytes / 1024 ** 2).toFixed(0)} MiB`);
    const row = new OrtTensor('float32', new Float32Array(rows).fill(0.5), [1, rows]);
    const matVec = await timeBothThreadings(buildMatVec(dir, rows, columns), { x: row }, weightBytes, repetitions);
    progress(`typed-array copy of ${(weightBytes / 1024 ** 2).toFixed(0)} MiB`);
    const copy = await typedArrayCopy(weightBytes, repetitions);

    return {
      measuredAt: new Date().toISOString(),
      onnxruntimeVersion: onnxruntimeVersion(),
      bandwidthBytes: weightBytes,
      repetitions,
      gemmByShape,
      fp32GemmGflops: best(gemmByShape.map((entry) => entry.fp32Gflops)),
      int8GemmGops: {
        dynamicQuantizeMatMul: best(gemmByShape.map((entry) => entry.dynamicQuantizeMatMulGops)),
        matMulInteger: best(gemmByShape.map((entry) => entry.matMulIntegerGops)),
      },
      bandwidthGBps: { matVecRead: matVec, typedArrayCopy: copy },
    };
  } finally {
    if (ownsDir) rmSync(dir, { recursive: true, force: true });
  }
}

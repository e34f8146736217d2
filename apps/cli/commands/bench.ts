/**
 * `blipbench bench hardware`: measure this host's fp32 and int8 GEMM peaks and memory bandwidth with
 * onnxruntime, the limits that benchmark results report their efficiency against.
 * The model benchmarks are npm scripts (`npm run bench:peer`, `npm run bench:variants`); docs/benchmarks.md covers them all.
 */
import { InvalidArgumentError, type Command } from 'commander';

import { measureHardware, type GemmShape, type HardwarePeaks, type ThreadedThroughput } from '../../../models/bench/index.js';
import { readHostFingerprint, type HostFingerprint } from '../../platform/host/fingerprint.js';

interface HardwareFlags {
  json: boolean;
  gemmShapes?: GemmShape[];
  bandwidthMib: number;
  repetitions: number;
}

function parseBounded(name: string, min: number, max: number) {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} expects an integer in [${min}, ${max}], got "${value}"`);
    return n;
  };
}

/** Parses "1024,577x768x3072": a bare number is a square GEMM, MxKxN any other shape. */
function parseShapes(value: string): GemmShape[] {
  return value.split(',').map((part) => {
    const dims = part.trim().split('x').map(Number);
    const shape = dims.length === 1 ? [dims[0], dims[0], dims[0]] : dims;
    if (shape.length !== 3 || shape.some((dim) => !Number.isInteger(dim) || dim < 64 || dim > 16384)) {
      throw new InvalidArgumentError(`--gemm-shapes expects comma-separated sizes N or MxKxN with integers in [64, 16384], got "${part}"`);
    }
    return [shape[0], shape[1], shape[2]] as const;
  });
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

function threadedLine(label: string, unit: string, measured: ThreadedThroughput): string {
  const { singleThread, allCores } = measured;
  return `  ${label.padEnd(34)} ${fixed(singleThread.peak).padStart(8)} ${unit} at 1 thread   ${fixed(allCores.peak).padStart(8)} ${unit} at the default thread count   (medians ${fixed(singleThread.median)} / ${fixed(allCores.median)})`;
}

/** Renders the peaks with the host they were measured on, as `bench hardware` prints them. */
export function formatHardware(host: HostFingerprint, peaks: HardwarePeaks): string {
  const byShape = peaks.gemmByShape.map((entry) => `  ${entry.shape.join('×').padEnd(16)} fp32 ${fixed(entry.fp32Gflops.singleThread.peak)} / ${fixed(entry.fp32Gflops.allCores.peak)}, DynamicQuantizeMatMul ${fixed(entry.dynamicQuantizeMatMulGops.singleThread.peak)} / ${fixed(entry.dynamicQuantizeMatMulGops.allCores.peak)}, MatMulInteger ${fixed(entry.matMulIntegerGops.singleThread.peak)} / ${fixed(entry.matMulIntegerGops.allCores.peak)}`);
  return [
    `host: ${host.cpuModel}, ${host.logicalCores} logical cores (${host.physicalCores ?? 'unknown'} physical), ${(host.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB`,
    `SIMD: ${host.simdFlags.join(' ') || 'unknown'}`,
    `onnxruntime ${peaks.onnxruntimeVersion}, Node ${host.nodeVersion}, measured ${peaks.measuredAt}, best of ${peaks.repetitions} runs`,
    'GEMM shapes [M×K×N], throughput at 1 thread / at the default thread count:',
    ...byShape,
    'GEMM peaks, the best shape:',
    threadedLine('fp32 MatMul', 'GFLOP/s', peaks.fp32GemmGflops),
    threadedLine('int8 DynamicQuantizeMatMul', 'GOP/s', peaks.int8GemmGops.dynamicQuantizeMatMul),
    threadedLine('int8 MatMulInteger', 'GOP/s', peaks.int8GemmGops.matMulInteger),
    `memory bandwidth over ${(peaks.bandwidthBytes / 1024 ** 2).toFixed(0)} MiB:`,
    threadedLine('fp32 matrix-vector MatMul (read)', 'GB/s', peaks.bandwidthGBps.matVecRead),
    `  ${'typed-array copy (read + write)'.padEnd(34)} ${fixed(peaks.bandwidthGBps.typedArrayCopy.peak).padStart(8)} GB/s at 1 thread   (median ${fixed(peaks.bandwidthGBps.typedArrayCopy.median)})`,
  ].join('\n');
}

export function registerBenchCommands(program: Command): void {
  const bench = program.command('bench').description('Measure this host');

  bench
    .command('hardware')
    .description('Measure the fp32 and int8 GEMM peaks and the memory bandwidth with onnxruntime (about a minute)')
    .option('--json', 'print {host, peaks} as one JSON object', false)
    .option('--gemm-shapes <list>', 'GEMM shapes, comma-separated: N for N×N×N or MxKxN; the peak is the best shape (default 1024,2048,577x768x3072)', parseShapes)
    .option('--bandwidth-mib <n>', 'MiB streamed by the bandwidth tests; far above the L3 cache', parseBounded('--bandwidth-mib', 64, 8192), 1024)
    .option('--repetitions <n>', 'timed runs of each test after one warm-up run; the fastest gives the peak', parseBounded('--repetitions', 1, 1000), 5)
    .action(async (flags: HardwareFlags) => {
      const peaks = await measureHardware({
        ...(flags.gemmShapes ? { gemmShapes: flags.gemmShapes } : {}),
        bandwidthBytes: flags.bandwidthMib * 1024 ** 2,
        repetitions: flags.repetitions,
        onProgress: (step) => process.stderr.write(`measuring ${step}\n`),
      });
      const host = readHostFingerprint();
      process.stdout.write(`${flags.json ? JSON.stringify({ host, peaks }, null, 2) : formatHardware(host, peaks)}\n`);
    });
}

/**
 * `blipbench bench hardware`: measure this host's fp32 and int8 GEMM peaks and memory bandwidth with
 * onnxruntime, the limits that benchmark results report their efficiency against.
 * The model benchmarks are npm scripts (`npm run bench:peer`, `npm run bench:variants`); docs/benchmarks.md covers them all.
 */
import { InvalidArgumentError, type Command } from 'commander';

import { measureHardware, type HardwarePeaks, type ThreadedThroughput } from '../../../models/bench/index.js';
import { readHostFingerprint, type HostFingerprint } from '../../platform/host/fingerprint.js';

interface HardwareFlags {
  json: boolean;
  gemmSizes: number[];
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

function parseSizes(value: string): number[] {
  const sizes = value.split(',').map((part) => Number(part.trim()));
  if (sizes.some((size) => !Number.isInteger(size) || size < 64 || size > 16384)) {
    throw new InvalidArgumentError(`--gemm-sizes expects comma-separated integers in [64, 16384], got "${value}"`);
  }
  return sizes;
}

const fixed = (value: number, digits = 1) => value.toFixed(digits);

function threadedLine(label: string, unit: string, measured: ThreadedThroughput): string {
  const { singleThread, allCores } = measured;
  return `  ${label.padEnd(34)} ${fixed(singleThread.peak).padStart(8)} ${unit} at 1 thread   ${fixed(allCores.peak).padStart(8)} ${unit} at the default thread count   (medians ${fixed(singleThread.median)} / ${fixed(allCores.median)})`;
}

/** Renders the peaks with the host they were measured on, as `bench hardware` prints them. */
export function formatHardware(host: HostFingerprint, peaks: HardwarePeaks): string {
  const bySize = peaks.gemmBySize.map((entry) => `${entry.size}: ${fixed(entry.fp32Gflops.singleThread.peak)} / ${fixed(entry.fp32Gflops.allCores.peak)}`);
  return [
    `host: ${host.cpuModel}, ${host.logicalCores} logical cores (${host.physicalCores ?? 'unknown'} physical), ${(host.totalMemoryBytes / 1024 ** 3).toFixed(1)} GiB`,
    `SIMD: ${host.simdFlags.join(' ') || 'unknown'}`,
    `onnxruntime ${peaks.onnxruntimeVersion}, Node ${host.nodeVersion}, measured ${peaks.measuredAt}, best of ${peaks.repetitions} runs`,
    `GEMM, best of sizes ${peaks.gemmSizes.join(', ')} (fp32 GFLOP/s at 1 thread / default threads per size: ${bySize.join(', ')}):`,
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
    .option('--gemm-sizes <list>', 'M = N = K of the square GEMMs, comma-separated; the peak is the best size', parseSizes, [1024, 2048])
    .option('--bandwidth-mib <n>', 'MiB streamed by the bandwidth tests; far above the L3 cache', parseBounded('--bandwidth-mib', 64, 8192), 1024)
    .option('--repetitions <n>', 'timed runs of each test after one warm-up run; the fastest gives the peak', parseBounded('--repetitions', 1, 1000), 5)
    .action(async (flags: HardwareFlags) => {
      const peaks = await measureHardware({
        gemmSizes: flags.gemmSizes,
        bandwidthBytes: flags.bandwidthMib * 1024 ** 2,
        repetitions: flags.repetitions,
        onProgress: (step) => process.stderr.write(`measuring ${step}\n`),
      });
      const host = readHostFingerprint();
      process.stdout.write(`${flags.json ? JSON.stringify({ host, peaks }, null, 2) : formatHardware(host, peaks)}\n`);
    });
}

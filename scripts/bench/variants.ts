/**
 * `npm run bench:variants [-- --model DIR --runs N]`: every pruning and quantization variant against the
 * fp32 baseline on one photo, in one run. The variants alternate run by run and decode the same forced
 * number of tokens. Prints medians per stage, the speedup over the baseline, bytes on disk, the
 * drift against the baseline (top-1 agreement, mean KL) and the efficiency against the host's peaks.
 */
import { Command, InvalidArgumentError } from 'commander';

import { readHostFingerprint } from '../../apps/platform/host/fingerprint.js';
import { safeRatio } from '../../apps/platform/stats/summary.js';
import { efficiency, runAlternating, type BenchSubject, type Efficiency } from '../../models/bench/index.js';
import { accuracyAgainstBaseline, loadCaptioner, onnxruntimeVersion, type AccuracyAgainstBaseline, type Captioner, type StageTimingsMs, type VariantInput } from '../../models/index.js';
import { checkImage, defaultImage, loadAverage, loadPeaks, resolveModelDir, resultHeader, runBenchmark, waitForLoad, withCommonOptions, writeResult, type RunLogEntry } from './bench-setup.js';
import { stageMedians, summarizeStages, type StageSummary } from './stage-summary.js';
import { formatMs, formatPercent, formatRatio, formatTable } from './text-table.js';

const int8 = { method: 'int8-dynamic' } as const;
const structured = [
  { method: 'neurons', amount: 0.3 },
  { method: 'heads', amount: 0.3 },
] as const;

/** The variants measured by default: the baseline first, then each trick alone and combined. */
const BENCH_VARIANTS: Readonly<Record<string, VariantInput>> = {
  'fp32 baseline': {},
  'int8-dynamic': { quantization: int8 },
  'int8-dynamic MatMulInteger': { quantization: { ...int8, int8Kernel: 'MatMulInteger' } },
  'int8-dynamic per-channel': { quantization: { ...int8, granularity: 'per-channel' } },
  'int8-weight-only': { quantization: { method: 'int8-weight-only' } },
  'int4-weight-only': { quantization: { method: 'int4-weight-only' } },
  'l1 30% + int8-dynamic': { pruning: { method: 'l1-unstructured', amount: 0.3 }, quantization: int8 },
  'neurons 30% + heads 30%': { pruning: [...structured] },
  'neurons 30% + heads 30% + int8-dynamic': { pruning: [...structured], quantization: int8 },
};

interface VariantsFlags {
  model: string;
  image?: string;
  runs: number;
  warmup: number;
  newTokens: number;
  only?: string[];
  peaks?: string;
  maxLoad?: number;
  out?: string;
}

interface Measured {
  label: string;
  captioner: Captioner;
  summary: StageSummary;
  runs: StageTimingsMs[];
  speedup: number | null;
  accuracy: AccuracyAgainstBaseline;
  efficiency: Efficiency;
}

const log = (line: string) => process.stderr.write(`${line}\n`);

function selectVariants(only: string[] | undefined): string[] {
  const labels = Object.keys(BENCH_VARIANTS);
  if (!only) return labels;
  const unknown = only.filter((label) => !labels.includes(label));
  if (unknown.length > 0) throw new InvalidArgumentError(`--only: unknown variant ${unknown.map((label) => `"${label}"`).join(', ')}; choose from ${labels.map((label) => `"${label}"`).join(', ')}`);
  // The baseline is always measured: every speedup and drift figure is relative to it.
  return [labels[0], ...only.filter((label) => label !== labels[0])];
}

function formatResults(measured: readonly Measured[]): string {
  const header = ['variant', 'end to end ms', 'speedup', 'preprocess', 'vision enc', 'decoder', 'per token', 'MB on disk', 'top-1 agree', 'mean KL', 'vision/peak', 'step/bandwidth'];
  const rows = measured.map((entry) => {
    const medians = stageMedians(entry.summary);
    return [
      entry.label,
      formatMs(medians.total),
      formatRatio(entry.speedup),
      formatMs(medians.preprocess),
      formatMs(medians.visionEncoder),
      formatMs(medians.decoder),
      formatMs(medians.decoderPerToken),
      (entry.captioner.build.bytesOnDisk / 1e6).toFixed(0),
      formatPercent(entry.accuracy.top1Agreement),
      entry.accuracy.meanKl.toPrecision(2),
      formatPercent(entry.efficiency.visionEncoder.fractionOfPeak),
      formatPercent(entry.efficiency.decoderStep.fractionOfBandwidth),
    ];
  });
  return formatTable(header, rows);
}

async function main(flags: VariantsFlags): Promise<void> {
  const started = new Date();
  const labels = selectVariants(flags.only);
  const modelDir = await resolveModelDir(flags.model, log);
  const image = checkImage(flags.image ?? defaultImage());
  const captioners: Captioner[] = [];
  try {
    for (const label of labels) {
      log(`loading ${label} (built into the model store when missing)`);
      captioners.push(await loadCaptioner({ modelDir, variant: { name: label, ...BENCH_VARIANTS[label] } }));
    }
    const peaks = await loadPeaks(flags.peaks, log);

    const loadBefore = loadAverage();
    log(`load average before the timed runs: ${loadBefore.map((value) => value.toFixed(2)).join(', ')}`);
    const runLog: RunLogEntry[] = [];
    const subjects: BenchSubject<StageTimingsMs>[] = labels.map((label, index) => ({
      name: label,
      run: async () => (await captioners[index].caption(image, { forceNewTokens: flags.newTokens })).timingsMs,
    }));
    const results = await runAlternating(subjects, {
      runs: flags.runs,
      warmupRuns: flags.warmup,
      beforeRound: () => waitForLoad(flags.maxLoad, log),
      onRun: (event) => {
        const entry = { subject: event.subject, run: event.run, warmup: event.warmup, totalMs: event.result.total, load1: loadAverage()[0] };
        runLog.push(entry);
        log(`${event.warmup ? 'warm-up' : 'run'} ${event.run + 1} ${event.subject}: ${entry.totalMs.toFixed(0)} ms (load ${entry.load1.toFixed(2)})`);
      },
    });
    const loadAfter = loadAverage();

    // Drift is measured after the timed runs, from unforced captions, so it never slows a timed run.
    const baseline = captioners[0];
    const baselineSummary = summarizeStages(results.get(labels[0])!);
    const measured: Measured[] = [];
    for (const [index, label] of labels.entries()) {
      const captioner = captioners[index];
      const runs = results.get(label)!;
      const summary = summarizeStages(runs);
      const caption = await captioner.caption(image);
      const accuracy = await accuracyAgainstBaseline(baseline, captioner, image, caption, caption.promptLength);
      const figures = efficiency({ config: captioner.config, shapes: captioner.build.shapes, variant: captioner.variant, timingsMs: stageMedians(summary), promptLength: 1, newTokens: flags.newTokens }, peaks);
      measured.push({ label, captioner, summary, runs, speedup: safeRatio(baselineSummary.total.median, summary.total.median), accuracy, efficiency: figures });
    }

    const host = readHostFingerprint();
    process.stdout.write(
      [
        `bench:variants ${started.toISOString()}  ${host.cpuModel}, ${host.logicalCores} cores, onnxruntime ${onnxruntimeVersion()}`,
        `model ${modelDir}, image ${image}, ${flags.newTokens} new tokens forced, ${flags.runs} runs after ${flags.warmup} warm-up, alternating`,
        `load average before ${loadBefore.map((value) => value.toFixed(2)).join(' ')}, after ${loadAfter.map((value) => value.toFixed(2)).join(' ')}`,
        `peaks: fp32 GEMM ${peaks.fp32GemmGflops.allCores.peak.toFixed(0)} GFLOP/s, int8 DynamicQuantizeMatMul ${peaks.int8GemmGops.dynamicQuantizeMatMul.allCores.peak.toFixed(0)} GOP/s, bandwidth ${measured[0].efficiency.decoderStep.bandwidthGBps.toFixed(1)} GB/s`,
        '',
        formatResults(measured),
        '',
        'Times are medians in ms; speedup is the baseline end to end over the variant; top-1 agree and mean KL compare next-token distributions with the baseline on its own caption.',
        'vision/peak: the image encoder at the GEMM peak of its kernels; step/bandwidth: weight bytes per decoder step at the measured bandwidth.',
      ].join('\n') + '\n',
    );

    const path = writeResult(
      'variants',
      {
        ...resultHeader('variants', started, host, { before: loadBefore, after: loadAfter }, runLog),
        settings: { modelDir, image, runs: flags.runs, warmupRuns: flags.warmup, newTokens: flags.newTokens },
        onnxruntimeVersion: onnxruntimeVersion(),
        peaks,
        variants: measured.map((entry) => ({
          label: entry.label,
          variant: entry.captioner.variant,
          variantHash: entry.captioner.variantHash,
          build: entry.captioner.build,
          summary: entry.summary,
          runs: entry.runs,
          speedup: entry.speedup,
          accuracy: entry.accuracy,
          efficiency: entry.efficiency,
        })),
      },
      flags.out,
    );
    log(`wrote ${path}`);
  } finally {
    await Promise.all(captioners.map((captioner) => captioner.dispose()));
  }
}

function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

const program = new Command('bench:variants')
  .description('Time every pruning and quantization variant against the fp32 baseline, alternating run by run')
  .option('--model <name|dir>', 'random-base or tiny (built under models/store when missing), or a model directory', 'random-base')
  .option('--image <file>', 'photo to caption (default: chelsea.png from BLIPBENCH_SAMPLE_IMAGES)')
  .option('--only <label>', `measure only this variant besides the baseline (repeatable): ${Object.keys(BENCH_VARIANTS).slice(1).join(', ')}`, collect)
  .action(main);
withCommonOptions(program, 'variant', 'variants');

await runBenchmark(program, 'bench:variants');

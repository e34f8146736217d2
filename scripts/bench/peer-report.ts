/**
 * The tables of `npm run bench:peer`: per stage, the median of our engine and of the PyTorch peer with
 * their ratio, and the speedups of each side's quantized pipelines over its own fp32.
 * Then the targets: our fp32 1.5x faster than PyTorch fp32, our int8 2x faster than PyTorch's and than
 * our fp32, and the fp32 vision encoder at 60 % of the fp32 GEMM peak.
 */
import type { RunSummary } from '../../apps/platform/stats/summary.js';
import { safeRatio } from '../../apps/platform/stats/summary.js';
import type { Efficiency } from '../../models/bench/index.js';
import { STAGE_LABELS, STAGES, type Stage, type StageSummary } from './stage-summary.js';
import { formatMs, formatPercent, formatRatio, formatTable } from './text-table.js';

export interface SideResult {
  summary: StageSummary;
  /** Every timed run's stage times, in run order. */
  runs: Record<Stage, number>[];
  tokenIds: number[];
  caption: string;
}

export interface PairResult {
  /** Short name of the pipeline, e.g. "int8-dynamic". */
  label: string;
  ours: SideResult;
  torch: SideResult;
  /** Our median over the peer's median per stage: below 1 means ours is faster. */
  oursOverTorch: Record<Stage, number | null>;
  /** Positions where our greedy tokens equal the peer's, over the generated positions. */
  tokenAgreement: { equal: number; compared: number };
}

export interface Target {
  name: string;
  /** The target as a number on the same scale as measured, e.g. 1.5 for "1.5x faster". */
  target: number;
  measured: number | null;
  met: boolean;
}

const median = (summary: RunSummary) => summary.median;

export function oursOverTorch(ours: StageSummary, torch: StageSummary): Record<Stage, number | null> {
  return Object.fromEntries(STAGES.map((stage) => [stage, safeRatio(median(ours[stage]), median(torch[stage]))])) as Record<Stage, number | null>;
}

/** Speedup of `variant` over `baseline` per stage: baseline median over variant median. */
export function speedups(baseline: StageSummary, variant: StageSummary): Record<Stage, number | null> {
  return Object.fromEntries(STAGES.map((stage) => [stage, safeRatio(median(baseline[stage]), median(variant[stage]))])) as Record<Stage, number | null>;
}

export function tokenAgreement(ours: readonly number[], torch: readonly number[]): { equal: number; compared: number } {
  const compared = Math.min(ours.length, torch.length) - 1;
  let equal = 0;
  for (let i = 1; i <= compared; i++) if (ours[i] === torch[i]) equal++;
  return { equal, compared };
}

/** Formats the median table: one column pair per pipeline and the ratio ours/torch after each pair. */
export function formatMedians(pairs: readonly PairResult[]): string {
  const header = ['median ms', ...pairs.flatMap((pair) => [`ours ${pair.label}`, `torch ${pair.label}`, 'ours/torch'])];
  const rows = STAGES.map((stage) => [STAGE_LABELS[stage], ...pairs.flatMap((pair) => [formatMs(median(pair.ours.summary[stage])), formatMs(median(pair.torch.summary[stage])), formatRatio(pair.oursOverTorch[stage])])]);
  return formatTable(header, rows);
}

/** Speedups of every quantized pipeline over its own side's fp32, per stage. */
export function formatSpeedups(pairs: readonly PairResult[]): string {
  const [baseline, ...others] = pairs;
  const header = ['speedup over own fp32', ...others.flatMap((pair) => [`ours ${pair.label}`, `torch ${pair.label}`])];
  const rows = STAGES.map((stage) => [
    STAGE_LABELS[stage],
    ...others.flatMap((pair) => [formatRatio(speedups(baseline.ours.summary, pair.ours.summary)[stage]), formatRatio(speedups(baseline.torch.summary, pair.torch.summary)[stage])]),
  ]);
  return formatTable(header, rows);
}

export function formatEfficiency(labels: readonly string[], figures: readonly Efficiency[]): string {
  const header = ['our efficiency', 'vision GFLOP', 'vision GFLOP/s', 'of GEMM peak', 'step weight MB', 'step GB/s', 'of bandwidth', 'with caches'];
  const rows = figures.map((figure, index) => [
    labels[index],
    figure.visionEncoder.gflop.toFixed(1),
    figure.visionEncoder.achievedGflops.toFixed(0),
    formatPercent(figure.visionEncoder.fractionOfPeak),
    (figure.decoderStep.weightBytes / 1e6).toFixed(0),
    figure.decoderStep.achievedWeightGBps.toFixed(1),
    formatPercent(figure.decoderStep.fractionOfBandwidth),
    formatPercent(figure.decoderStep.fractionWithCaches),
  ]);
  return formatTable(header, rows);
}

/** Checks the end-to-end and efficiency targets that the side-by-side run can measure. */
export function peerTargets(pairs: readonly PairResult[], fp32Efficiency: Efficiency | undefined): Target[] {
  const fp32 = pairs.find((pair) => pair.label === 'fp32');
  const int8 = pairs.find((pair) => pair.label === 'int8-dynamic');
  const targets: Target[] = [];
  const add = (name: string, target: number, measured: number | null) => targets.push({ name, target, measured, met: measured !== null && measured >= target });
  if (fp32) add('our fp32 vs PyTorch fp32, end to end (x faster)', 1.5, safeRatio(fp32.torch.summary.total.median, fp32.ours.summary.total.median));
  if (int8) add('our int8-dynamic vs PyTorch quantize_dynamic, end to end (x faster)', 2, safeRatio(int8.torch.summary.total.median, int8.ours.summary.total.median));
  if (fp32 && int8) add('our int8-dynamic vs our fp32, end to end (x faster)', 2, safeRatio(fp32.ours.summary.total.median, int8.ours.summary.total.median));
  if (fp32Efficiency) add('our fp32 vision encoder, fraction of the fp32 GEMM peak', 0.6, fp32Efficiency.visionEncoder.fractionOfPeak);
  return targets;
}

export function formatTargets(targets: readonly Target[]): string {
  return targets
    .map((target) => {
      // Targets below 1 are fractions (of a peak), the others speedups.
      const isFraction = target.target < 1;
      const format = isFraction ? formatPercent : formatRatio;
      const measured = target.measured === null ? 'n/a' : format(target.measured);
      let gap = '';
      if (target.measured !== null && !target.met) {
        gap = isFraction ? ` (short by ${((target.target - target.measured) * 100).toFixed(0)} points)` : ` (short by ${formatRatio(target.target / target.measured)})`;
      }
      return `  ${target.met ? 'met   ' : 'missed'}  ${target.name}: ${measured}, target ≥ ${format(target.target)}${gap}`;
    })
    .join('\n');
}

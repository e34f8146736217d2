/** Per-stage summaries of timed captions, through the platform's own run statistics. */
import { summarizeRuns, type RunSummary } from '../../apps/platform/stats/summary.js';
import type { StageTimingsMs } from '../../models/index.js';

export const STAGES = ['preprocess', 'visionEncoder', 'decoder', 'decoderPerToken', 'total'] as const;
export type Stage = (typeof STAGES)[number];

export const STAGE_LABELS: Record<Stage, string> = {
  preprocess: 'preprocess',
  visionEncoder: 'vision encoder',
  decoder: 'decoder',
  decoderPerToken: 'decoder per token',
  total: 'end to end',
};

export type StageSummary = Record<Stage, RunSummary>;

export function summarizeStages(timings: readonly StageTimingsMs[]): StageSummary {
  const of = (stage: Stage) => summarizeRuns(timings.map((timing) => timing[stage]));
  return { preprocess: of('preprocess'), visionEncoder: of('visionEncoder'), decoder: of('decoder'), decoderPerToken: of('decoderPerToken'), total: of('total') };
}

/** Picks the median of each stage, the figure the benchmark tables compare. */
export function stageMedians(summary: StageSummary): StageTimingsMs {
  return {
    preprocess: summary.preprocess.median,
    visionEncoder: summary.visionEncoder.median,
    decoder: summary.decoder.median,
    decoderPerToken: summary.decoderPerToken.median,
    total: summary.total.median,
  };
}

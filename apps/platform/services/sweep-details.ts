/** A sweep as GET /v1/sweeps/:id shows it: progress, every result with its speedup, failures, and a summary per variant. */
import { HttpError } from '../errors.js';
import { mean, median } from '../stats/summary.js';
import type { ServiceContext } from './context.js';
import { RESULT_INCLUDE, resultViews, type ResultView } from './results.js';
import { spreadOf, type SpeedupSpread } from './speedups.js';
import { sweepProgress, type SweepProgress } from './sweeps.js';

export interface VariantSummary {
  variantHash: string;
  name: string | null;
  isBaseline: boolean;
  spec: unknown;
  results: number;
  /** Mean over images of each result's mean run time. */
  meanMs: number | null;
  /** Median over images of each result's median run time. */
  medianMs: number | null;
  /** Speedup against the baseline over images on the same host. */
  speedup: SpeedupSpread | null;
  /** Caption of the first image's result, for a glance. */
  caption: string | null;
}

function summarize(results: ResultView[], variant: { variantHash: string; name: string | null; spec: unknown }, isBaseline: boolean): VariantSummary {
  return {
    variantHash: variant.variantHash,
    name: variant.name,
    isBaseline,
    spec: variant.spec,
    results: results.length,
    meanMs: results.length > 0 ? mean(results.map((result) => result.meanMs)) : null,
    medianMs: results.length > 0 ? median(results.map((result) => result.medianMs)) : null,
    speedup: spreadOf(results.map((result) => result.speedup)),
    caption: results[0]?.caption ?? null,
  };
}

export async function sweepDetails(ctx: ServiceContext, sweepId: string) {
  const { prisma } = ctx;
  const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, include: { baseline: { select: { variantHash: true } } } });
  if (!sweep) throw new HttpError(404, 'unknown_sweep', `sweep "${sweepId}" does not exist`);
  const progress: SweepProgress = await sweepProgress(ctx, sweepId);
  const rows = await prisma.result.findMany({ where: { sweepId }, include: RESULT_INCLUDE, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] });
  const results = await resultViews(prisma, rows);
  const jobs = await prisma.job.findMany({ where: { sweepId }, select: { id: true, status: true, lastError: true, imageId: true, isBaseline: true, variant: { select: { variantHash: true, name: true, spec: true } } } });
  const variants = new Map<string, { variantHash: string; name: string | null; spec: unknown; isBaseline: boolean }>();
  for (const job of jobs) if (!variants.has(job.variant.variantHash)) variants.set(job.variant.variantHash, { ...job.variant, isBaseline: job.isBaseline });
  const summaries = [...variants.values()]
    .sort((a, b) => Number(b.isBaseline) - Number(a.isBaseline))
    .map((variant) => summarize(results.filter((result) => result.variant.variantHash === variant.variantHash), variant, variant.isBaseline));
  const failures = jobs.filter((job) => job.status === 'failed').map((job) => ({ jobId: job.id, variantHash: job.variant.variantHash, imageId: job.imageId, error: job.lastError }));
  const { baseline, request, ...fields } = sweep;
  return { ...fields, baselineVariantHash: baseline.variantHash, request, progress, variants: summaries, results, failures };
}

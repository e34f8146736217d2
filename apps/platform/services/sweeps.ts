/**
 * Planning, reading and cancelling sweeps. Postgres stores the plan, one job row per variant and
 * image. The queue only carries it to workers, and the reconciler re-enqueues what Redis lost.
 */
import { randomUUID } from 'node:crypto';

import { BASELINE_VARIANT, variantHash, type Variant } from '../../../models/index.js';
import { HttpError } from '../errors.js';
import { enqueueSweep } from '../queue/queues.js';
import type { WorkJobData } from '../queue/names.js';
import type { ServiceContext } from './context.js';
import { expandGrid } from './grid.js';
import { resolveImages, type StoredImage } from './images.js';
import { checkVariantsForModel, requireModel } from './models.js';
import type { SweepRequest } from './requests.js';
import { upsertVariants } from './variants.js';

/** Defaults that depend on the kind: a benchmark times equal work, a caption job runs once. */
export const KIND_DEFAULTS = Object.freeze({
  benchmark: { runs: 10, warmupRuns: 2, forceNewTokens: 20 },
  caption: { runs: 1, warmupRuns: 0, forceNewTokens: null },
});

export interface PlannedSweep {
  sweepId: string;
  status: string;
  kind: string;
  model: string;
  jobsTotal: number;
  runs: number;
  warmupRuns: number;
  forceNewTokens: number | null;
  variants: Array<{ variantHash: string; name: string | null; isBaseline: boolean; spec: Variant }>;
  images: Array<{ id: string; name: string | null }>;
  jobs: Array<{ jobId: string; variantHash: string; imageId: string }>;
  /** False when Redis could not take the jobs now; the reconciler enqueues them later. */
  enqueued: boolean;
}

function uniqueVariants(variants: readonly Variant[]): Variant[] {
  const byHash = new Map<string, Variant>();
  for (const variant of variants) if (!byHash.has(variantHash(variant))) byHash.set(variantHash(variant), variant);
  return [...byHash.values()];
}

function uniqueImages(images: readonly StoredImage[]): StoredImage[] {
  return [...new Map(images.map((image) => [image.id, image])).values()];
}

/** Validates the references of a sweep request, writes the sweep and its jobs, and enqueues them. */
export async function createSweep(ctx: ServiceContext, request: SweepRequest, onEnqueueError?: (error: unknown) => void): Promise<PlannedSweep> {
  const { prisma, config } = ctx;
  const model = await requireModel(prisma, request.model);
  const baseline = request.baseline ?? BASELINE_VARIANT;
  const gridVariants = request.grid ? expandGrid(request.grid, config.maxGridVariants) : [];
  const variants = uniqueVariants([baseline, ...(request.variants ?? []), ...gridVariants]);
  const images = uniqueImages(await resolveImages(prisma, config.sampleImagesDir, request.images, 'images'));
  const jobsTotal = variants.length * images.length;
  if (jobsTotal > config.maxSweepJobs) {
    throw new HttpError(422, 'sweep_too_large', `sweep plans ${jobsTotal} jobs (${variants.length} variants × ${images.length} images), above the limit of ${config.maxSweepJobs} (BLIPBENCH_MAX_SWEEP_JOBS)`);
  }
  let references: Record<string, string[]> | null = null;
  if (request.references) {
    references = {};
    for (const [ref, captions] of Object.entries(request.references)) {
      const [image] = await resolveImages(prisma, config.sampleImagesDir, [ref], `references.${ref}`, false);
      references[image.id] = captions;
    }
  }

  const defaults = KIND_DEFAULTS[request.kind];
  const runs = request.runs ?? defaults.runs;
  const warmupRuns = request.warmupRuns ?? defaults.warmupRuns;
  const forceNewTokens = request.forceNewTokens === undefined ? defaults.forceNewTokens : request.forceNewTokens;
  checkVariantsForModel(model, config.modelStore, variants, forceNewTokens);
  const rows = await upsertVariants(prisma, variants);
  const baselineHash = variantHash(baseline);
  const sweepId = randomUUID();
  const jobs = variants.flatMap((variant) => {
    const row = rows.get(variantHash(variant))!;
    return images.map((image) => ({ id: randomUUID(), variant: row, image, isBaseline: row.variantHash === baselineHash }));
  });

  await prisma.$transaction([
    prisma.sweep.create({
      data: {
        id: sweepId,
        name: request.name ?? null,
        kind: request.kind,
        modelName: model.name,
        baselineVariantId: rows.get(baselineHash)!.id,
        runs,
        warmupRuns,
        forceNewTokens,
        maxNewTokens: request.maxNewTokens ?? null,
        prompt: request.prompt ?? null,
        references: references ?? undefined,
        jobsTotal,
        request: JSON.parse(JSON.stringify(request)) as object,
      },
    }),
    prisma.job.createMany({
      data: jobs.map((job) => ({ id: job.id, sweepId, kind: request.kind, modelName: model.name, variantId: job.variant.id, imageId: job.image.id, isBaseline: job.isBaseline })),
    }),
  ]);

  const enqueuedAt = Date.now();
  const data: WorkJobData[] = jobs.map((job) => ({
    jobId: job.id,
    sweepId,
    kind: request.kind,
    modelName: model.name,
    imageId: job.image.id,
    variantHash: job.variant.variantHash,
    buildHash: job.variant.buildHash,
    enqueuedAt,
  }));
  let enqueued = true;
  try {
    await enqueueSweep(ctx.queues, sweepId, data);
  } catch (error) {
    enqueued = false;
    onEnqueueError?.(error);
  }

  return {
    sweepId,
    status: 'queued',
    kind: request.kind,
    model: model.name,
    jobsTotal,
    runs,
    warmupRuns,
    forceNewTokens,
    variants: variants.map((variant) => ({ variantHash: variantHash(variant), name: variant.name ?? null, isBaseline: variantHash(variant) === baselineHash, spec: variant })),
    images: images.map((image) => ({ id: image.id, name: image.name })),
    jobs: jobs.map((job) => ({ jobId: job.id, variantHash: job.variant.variantHash, imageId: job.image.id })),
    enqueued,
  };
}

export interface SweepProgress {
  total: number;
  queued: number;
  running: number;
  completed: number;
  failed: number;
  cancelled: number;
}

export async function sweepProgress(ctx: ServiceContext, sweepId: string): Promise<SweepProgress> {
  const groups = await ctx.prisma.job.groupBy({ by: ['status'], where: { sweepId }, _count: { _all: true } });
  const progress: SweepProgress = { total: 0, queued: 0, running: 0, completed: 0, failed: 0, cancelled: 0 };
  for (const group of groups) {
    progress.total += group._count._all;
    if (group.status in progress) progress[group.status as keyof SweepProgress] += group._count._all;
  }
  return progress;
}

/**
 * Marks every job that has not started as cancelled and removes it from the queue; running jobs
 * finish. Returns the jobs cancelled and the queue removals that failed, which are harmless:
 * a worker that takes such a job skips it, because its row is cancelled.
 */
export async function cancelSweep(ctx: ServiceContext, sweepId: string): Promise<{ cancelled: number; queueRemovalsFailed: number }> {
  const sweep = await ctx.prisma.sweep.findUnique({ where: { id: sweepId }, select: { id: true } });
  if (!sweep) throw new HttpError(404, 'unknown_sweep', `sweep "${sweepId}" does not exist`);
  const pending = await ctx.prisma.job.findMany({ where: { sweepId, status: 'queued' }, select: { id: true, kind: true } });
  const { count } = await ctx.prisma.job.updateMany({ where: { sweepId, status: 'queued' }, data: { status: 'cancelled', finishedAt: new Date(), lastError: 'cancelled by request' } });
  await ctx.prisma.sweep.updateMany({ where: { id: sweepId, status: { in: ['queued', 'running'] } }, data: { status: 'cancelled', finishedAt: new Date() } });
  let queueRemovalsFailed = 0;
  for (const job of pending) {
    const queue = job.kind === 'benchmark' ? ctx.queues.benchmark : ctx.queues.caption;
    // remove() refuses a job a worker has just locked; that worker skips the cancelled row.
    if ((await queue.remove(job.id).catch(() => 0)) !== 1) queueRemovalsFailed += 1;
  }
  if ((await ctx.queues.sweeps.remove(sweepId, { removeChildren: true }).catch(() => 0)) !== 1) queueRemovalsFailed += 1;
  return { cancelled: count, queueRemovalsFailed };
}

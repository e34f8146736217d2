/**
 * The processor of benchmark and caption jobs: claim the row, run the engine, write the result
 * once (retrying while Postgres is down), or record why the job failed. Permanent failures
 * (a bad image, an impossible variant) become UnrecoverableError so BullMQ does not retry them.
 */
import { UnrecoverableError, WaitingError, type Job } from 'bullmq';

import { bleu4, parseVariant, type Captioner, type Variant } from '../../models/index.js';
import { accuracyAgainstBaseline } from '../../models/index.js';
import type { PlatformConfig } from '../platform/config/config.js';
import type { Prisma, PrismaClient } from '../platform/db/client.js';
import { describeError, isPermanentError, PermanentJobError } from '../platform/errors.js';
import type { Logger } from '../platform/logger.js';
import type { WorkJobData } from '../platform/queue/names.js';
import { claimJob, completeJob, recordFailure, type ClaimedJob, type JobRowCache } from '../platform/services/job-lifecycle.js';
import { KIND_DEFAULTS } from '../platform/services/sweeps.js';
import type { CaptionJobOptions } from '../platform/services/captions.js';
import type { CaptionerCache } from './captioner-cache.js';
import type { ImageCache } from './image-cache.js';
import { HandBack, measure, type Measurement } from './measure.js';
import { ensureModelDir } from './model-store.js';
import { retryWhileDatabaseUnavailable } from './retry.js';
import { efficiency, type HardwarePeaks } from '../../models/bench/index.js';

export interface WorkerRuntime {
  prisma: PrismaClient;
  config: PlatformConfig;
  logger: Logger;
  hostId: string;
  workerId: string;
  threads: number;
  captioners: CaptionerCache;
  /** Image bytes by id; images never change, so a worker reads each from Postgres once. */
  images: ImageCache;
  /** Variant, model and sweep rows, which never change once written. */
  rows: JobRowCache;
  /** Aborted when the process is asked to stop: running jobs hand themselves back between runs. */
  shutdown: AbortSignal;
  /** Caption jobs of this process, running now and started so far; a benchmark that overlaps one is flagged. */
  captionActivity: { active: number; started: number };
  /** Returns true while this process owns the host's benchmark slot. */
  holdsBenchmarkSlot: () => boolean;
  /** The host's measured GEMM and bandwidth peaks; null when BLIPBENCH_HARDWARE_PEAKS is off. */
  hardwarePeaks: HardwarePeaks | null;
}

export interface JobOutcome {
  status: 'written' | 'duplicate' | 'skipped';
  jobId: string;
}

interface RunPlan {
  runs: number;
  warmupRuns: number;
  forceNewTokens: number | null;
  maxNewTokens?: number;
  prompt?: string;
}

function runPlan(job: ClaimedJob): RunPlan {
  if (job.sweep) {
    const { runs, warmupRuns, forceNewTokens, maxNewTokens, prompt } = job.sweep;
    return { runs, warmupRuns, forceNewTokens, maxNewTokens: maxNewTokens ?? undefined, prompt: prompt ?? undefined };
  }
  const options = (job.options ?? {}) as CaptionJobOptions;
  return { ...KIND_DEFAULTS.caption, maxNewTokens: options.maxNewTokens, prompt: options.prompt };
}

function parseStoredVariant(spec: unknown, label: string): Variant {
  try {
    return parseVariant(spec);
  } catch (error) {
    throw new PermanentJobError(`${label} variant spec is invalid: ${describeError(error)}`, { cause: error });
  }
}

/** Builds recorded by this process, so that each is written once and not on every job. */
const recordedBuilds = new Set<string>();

async function recordBuild(runtime: WorkerRuntime, modelName: string, captioner: Captioner): Promise<void> {
  const key = `${modelName}|${captioner.buildHash}|${runtime.hostId}`;
  if (recordedBuilds.has(key)) return;
  const { build } = captioner;
  const data = {
    bytesOnDisk: BigInt(build.bytesOnDisk),
    sparsityOverall: build.sparsity.overall,
    sparsityPerLayer: build.sparsity.perLayer,
    buildTimeMs: build.buildTimeMs,
  };
  await runtime.prisma.variantBuild.upsert({
    where: { modelName_buildHash_hostId: { modelName, buildHash: captioner.buildHash, hostId: runtime.hostId } },
    create: { modelName, buildHash: captioner.buildHash, hostId: runtime.hostId, ...data },
    update: build.reused ? {} : data,
  });
  recordedBuilds.add(key);
}

/** Accuracy against the sweep's baseline on this image; null fields for the baseline itself and for single captions. */
/** Efficiency of a benchmark against the host's peaks; null for caption jobs, without peaks, or without generated tokens. */
function efficiencyField(runtime: WorkerRuntime, kind: string, captioner: Captioner, measured: Measurement): Prisma.InputJsonValue | undefined {
  if (kind !== 'benchmark' || !runtime.hardwarePeaks || measured.generatedTokens === 0) return undefined;
  const figures = efficiency(
    { config: captioner.config, shapes: captioner.build.shapes, variant: captioner.variant, timingsMs: measured.stageMedians, promptLength: measured.promptLength, newTokens: measured.generatedTokens },
    runtime.hardwarePeaks,
  );
  return figures as unknown as Prisma.InputJsonValue;
}

async function accuracyFields(runtime: WorkerRuntime, job: ClaimedJob, modelDir: string, captioner: Captioner, image: Buffer, measured: Measurement, plan: RunPlan) {
  const fields: Partial<Prisma.ResultCreateManyInput> = {};
  const references = (job.sweep?.references ?? null) as Record<string, string[]> | null;
  const imageReferences = references?.[job.imageId];
  if (imageReferences && imageReferences.length > 0) fields.referenceBleu4 = bleu4(measured.caption.caption, imageReferences);
  if (!job.sweep || job.isBaseline) return fields;
  const baselineVariant = parseStoredVariant(job.sweep.baseline.spec, 'baseline');
  const baseline = await runtime.captioners.get(modelDir, baselineVariant, runtime.threads);
  const accuracy = await accuracyAgainstBaseline(baseline, captioner, image, measured.caption, measured.promptLength, plan.prompt);
  return { ...fields, exactMatch: accuracy.exactMatch, tokenF1: accuracy.tokenF1, bleu4: accuracy.bleu4, top1Agreement: accuracy.top1Agreement, meanKl: accuracy.meanKl };
}

/** Runs one job to its result; returns how it ended or throws for BullMQ to retry or fail it. */
export async function processWorkJob(runtime: WorkerRuntime, job: Job<WorkJobData>, token: string | undefined): Promise<JobOutcome> {
  const data = job.data;
  const log = runtime.logger.child({ jobId: data.jobId, sweepId: data.sweepId, variantHash: data.variantHash, attempt: job.attemptsMade + 1 });
  // Every database step waits out an outage (up to BLIPBENCH_DB_WRITE_RETRY_MS) instead of failing the attempt.
  const withDatabase = <T>(step: string, operation: () => Promise<T>): Promise<T> =>
    retryWhileDatabaseUnavailable(operation, {
      budgetMs: runtime.config.dbWriteRetryMs,
      onRetry: (attempt, delayMs, error) => log.warn({ err: error, step, attempt, delayMs }, `${step} failed: Postgres unavailable, retrying`),
    });
  // Time of each step in milliseconds, logged with the result: the platform's own cost per job.
  const steps: Record<string, number> = {};
  let stepStart = performance.now();
  const step = (name: string) => {
    const now = performance.now();
    steps[name] = Math.round((now - stepStart) * 100) / 100;
    stepStart = now;
  };
  const claimed = await withDatabase('claim', () => claimJob(runtime.prisma, runtime.rows, data.jobId, runtime.hostId));
  step('claim');
  if (!claimed) {
    log.info('job skipped: its row is cancelled, failed or already has a result');
    return { status: 'skipped', jobId: data.jobId };
  }
  const startedAt = performance.now();
  const activity = runtime.captionActivity;
  if (claimed.kind === 'caption') {
    activity.active += 1;
    activity.started += 1;
  }
  try {
    const image = await withDatabase('image read', () => runtime.images.read(claimed.imageId));
    if (!image) throw new PermanentJobError(`image ${claimed.imageId} of job ${claimed.id} is missing from the database`);
    const variant = parseStoredVariant(claimed.variant.spec, 'job');
    const modelDir = await ensureModelDir(runtime.config.modelStore, claimed.model);
    const captioner = await runtime.captioners.get(modelDir, variant, runtime.threads);
    await withDatabase('build record', () => recordBuild(runtime, claimed.modelName, captioner));
    step('prepare');
    const plan = runPlan(claimed);
    const captionsBefore = { active: activity.active, started: activity.started };
    const measured = await measure(captioner, image.content, { ...plan, signal: runtime.shutdown });
    step('measure');
    const sharedProcess = claimed.kind === 'benchmark' && (captionsBefore.active > 0 || activity.started !== captionsBefore.started);
    const overlapped = measured.cpu.otherCores > runtime.config.overlapCores || sharedProcess || (claimed.kind === 'benchmark' && !runtime.holdsBenchmarkSlot());
    const accuracy = await accuracyFields(runtime, claimed, modelDir, captioner, image.content, measured, plan);
    step('accuracy');

    const result: Prisma.ResultCreateManyInput = {
      jobId: claimed.id,
      sweepId: claimed.sweepId,
      kind: claimed.kind,
      modelName: claimed.modelName,
      variantId: claimed.variantId,
      imageId: claimed.imageId,
      hostId: runtime.hostId,
      workerId: runtime.workerId,
      isBaseline: claimed.isBaseline,
      attempt: job.attemptsMade + 1,
      threads: captioner.variant.runtime.threads,
      caption: measured.caption.caption,
      tokenIds: measured.caption.tokenIds,
      generatedTokens: measured.generatedTokens,
      forcedNewTokens: plan.forceNewTokens,
      runs: plan.runs,
      warmupRuns: plan.warmupRuns,
      runTimesMs: measured.runTimesMs,
      warmupTimesMs: measured.warmupTimesMs,
      runStagesMs: measured.runStagesMs as unknown as Prisma.InputJsonValue,
      meanMs: measured.summary.mean,
      medianMs: measured.summary.median,
      p90Ms: measured.summary.p90,
      p99Ms: measured.summary.p99,
      minMs: measured.summary.min,
      maxMs: measured.summary.max,
      stdMs: measured.summary.std,
      preprocessMs: measured.stageMedians.preprocess,
      visionEncoderMs: measured.stageMedians.visionEncoder,
      decoderMs: measured.stageMedians.decoder,
      decoderPerTokenMs: measured.stageMedians.decoderPerToken,
      tokensPerSecond: measured.tokensPerSecond,
      peakRssBytes: BigInt(measured.peakRssBytes),
      bytesOnDisk: BigInt(captioner.build.bytesOnDisk),
      otherCpuLoad: measured.cpu.otherCores,
      overlapped,
      ...accuracy,
      efficiency: efficiencyField(runtime, claimed.kind, captioner, measured),
      engineMs: measured.engineMs,
      queuedToDoneMs: null,
    };
    const inserted = await withDatabase('result write', () => completeJob(runtime.prisma, { ...result, queuedToDoneMs: Date.now() - data.enqueuedAt }));
    step('write');
    log.info({ ms: Math.round(performance.now() - startedAt), steps, engineMs: Math.round(measured.engineMs), medianMs: result.medianMs, overlapped, inserted }, inserted ? 'result written' : 'result already written by an earlier attempt');
    return { status: inserted ? 'written' : 'duplicate', jobId: claimed.id };
  } catch (error) {
    if (error instanceof HandBack) {
      await job.moveToWait(token);
      await recordFailure(runtime.prisma, claimed.id, 'handed back on shutdown', false).catch((err: unknown) => log.warn({ err }, 'could not mark the handed-back job queued; the next worker will'));
      log.info('job handed back on shutdown');
      throw new WaitingError();
    }
    const permanent = isPermanentError(error);
    const final = permanent || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    const message = describeError(error);
    log.error({ err: error, permanent, final }, 'job failed');
    await recordFailure(runtime.prisma, claimed.id, message, final).catch((err: unknown) => log.warn({ err }, 'could not record the failure; the reconciler will'));
    if (permanent) throw new UnrecoverableError(message);
    throw error;
  } finally {
    if (claimed.kind === 'caption') activity.active -= 1;
  }
}

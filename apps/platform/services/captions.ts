/** Single captions requested through POST /v1/captions: a caption job without a sweep. */
import { randomUUID } from 'node:crypto';

import { BASELINE_VARIANT } from '../../../models/index.js';
import { HttpError } from '../errors.js';
import { enqueueJobs } from '../queue/queues.js';
import type { ServiceContext } from './context.js';
import { resolveImages } from './images.js';
import { checkVariantsForModel, requireModel } from './models.js';
import type { CaptionRequest } from './requests.js';
import { RESULT_INCLUDE, resultViews } from './results.js';
import { upsertVariants } from './variants.js';

/** Options a single caption job passes to the engine, stored on the job row. */
export interface CaptionJobOptions {
  prompt?: string;
  maxNewTokens?: number;
}

export async function createCaptionJob(ctx: ServiceContext, request: CaptionRequest): Promise<{ jobId: string }> {
  const model = await requireModel(ctx.prisma, request.model);
  const [image] = await resolveImages(ctx.prisma, ctx.config.sampleImagesDir, [request.image], 'image', false);
  const variant = request.variant ?? BASELINE_VARIANT;
  // The request's own prompt and length apply to this job, so they are checked with the variant.
  const checked = { ...variant, prompt: request.prompt ?? variant.prompt, decoding: { ...variant.decoding, maxNewTokens: request.maxNewTokens ?? variant.decoding.maxNewTokens } };
  checkVariantsForModel(model, ctx.config.modelStore, [checked]);
  const [row] = (await upsertVariants(ctx.prisma, [variant])).values();
  const jobId = randomUUID();
  const options: CaptionJobOptions = { prompt: request.prompt, maxNewTokens: request.maxNewTokens };
  await ctx.prisma.job.create({ data: { id: jobId, kind: 'caption', modelName: model.name, variantId: row.id, imageId: image.id, options: JSON.parse(JSON.stringify(options)) as object } });
  await enqueueJobs(ctx.queues, [{ jobId, sweepId: null, kind: 'caption', modelName: model.name, imageId: image.id, variantHash: row.variantHash, buildHash: row.buildHash, enqueuedAt: Date.now() }]);
  return { jobId };
}

/** Returns a job with its result once there is one; throws HttpError 404 for an unknown id. */
export async function jobDetails(ctx: ServiceContext, jobId: string) {
  const job = await ctx.prisma.job.findUnique({
    where: { id: jobId },
    select: { id: true, sweepId: true, kind: true, modelName: true, imageId: true, status: true, attempts: true, lastError: true, createdAt: true, startedAt: true, finishedAt: true, variant: { select: { variantHash: true, name: true } } },
  });
  if (!job) throw new HttpError(404, 'unknown_job', `job "${jobId}" does not exist`);
  const rows = await ctx.prisma.result.findMany({ where: { jobId }, include: RESULT_INCLUDE });
  const [result] = await resultViews(ctx.prisma, rows);
  return { ...job, result: result ?? null };
}

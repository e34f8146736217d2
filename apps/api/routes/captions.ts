/**
 * Single captions: the request waits up to waitMs for the worker, then returns 200 with the
 * result, or 202 with the job to poll at /v1/jobs/:id.
 */
import { Router } from 'express';

import { HttpError } from '../../platform/errors.js';
import { createCaptionJob, jobDetails } from '../../platform/services/captions.js';
import { captionRequestSchema } from '../../platform/services/requests.js';
import type { ApiDeps } from '../deps.js';
import { uuidParam, validate } from '../validation.js';

export function captionsRouter({ ctx, captionEvents, metrics }: ApiDeps): Router {
  const router = Router();

  router.post('/captions', async (request, response) => {
    if (!request.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'body: send JSON with content-type application/json');
    const body = validate(captionRequestSchema, request.body, 'body');
    const { jobId } = await createCaptionJob(ctx, body);
    metrics.captionsRequested.inc();
    const waitMs = body.waitMs ?? ctx.config.captionWaitMs;
    if (waitMs > 0) {
      const queued = await ctx.queues.caption.getJob(jobId);
      // A timeout or a failed job both end the wait, and the job row records which.
      await queued?.waitUntilFinished(captionEvents, waitMs).catch(() => undefined);
    }
    const job = await jobDetails(ctx, jobId);
    if (job.status === 'completed') {
      response.status(200).json(job);
      return;
    }
    if (job.status === 'failed') throw new HttpError(422, 'caption_failed', `caption job ${jobId} failed: ${job.lastError ?? 'unknown reason'}`, { jobId });
    response.status(202).location(`/v1/jobs/${jobId}`).json({ ...job, poll: `/v1/jobs/${jobId}` });
  });

  router.get('/jobs/:id', async (request, response) => {
    const { id } = validate(uuidParam, request.params, 'params');
    response.json(await jobDetails(ctx, id));
  });

  return router;
}

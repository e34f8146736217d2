/** Sweeps: plan and enqueue (202), list, progress with results and speedups, cancel. */
import { Router } from 'express';

import { HttpError } from '../../platform/errors.js';
import { listQuerySchema, sweepRequestSchema } from '../../platform/services/requests.js';
import { sweepDetails } from '../../platform/services/sweep-details.js';
import { cancelSweep, createSweep } from '../../platform/services/sweeps.js';
import type { ApiDeps } from '../deps.js';
import { uuidParam, validate } from '../validation.js';

export function sweepsRouter({ ctx, logger, metrics }: ApiDeps): Router {
  const router = Router();

  router.post('/sweeps', async (request, response) => {
    if (!request.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'body: send the sweep as JSON with content-type application/json');
    const body = validate(sweepRequestSchema, request.body, 'body');
    const planned = await createSweep(ctx, body, (err) => logger.warn({ err }, 'sweep saved but not enqueued; the reconciler will enqueue it'));
    metrics.sweepsCreated.inc();
    logger.info({ sweepId: planned.sweepId, jobs: planned.jobsTotal, kind: planned.kind, model: planned.model }, 'sweep created');
    response.status(202).location(`/v1/sweeps/${planned.sweepId}`).json(planned);
  });

  router.get('/sweeps', async (request, response) => {
    const query = validate(listQuerySchema, request.query, 'query');
    const rows = await ctx.prisma.sweep.findMany({
      select: { id: true, name: true, kind: true, modelName: true, status: true, jobsTotal: true, runs: true, createdAt: true, finishedAt: true },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: query.limit + 1,
      ...(query.cursor ? { cursor: { id: validate(uuidParam, { id: query.cursor }, 'query').id }, skip: 1 } : {}),
    });
    const items = rows.slice(0, query.limit);
    response.json({ items, nextCursor: rows.length > query.limit ? items[items.length - 1].id : null });
  });

  router.get('/sweeps/:id', async (request, response) => {
    const { id } = validate(uuidParam, request.params, 'params');
    response.json(await sweepDetails(ctx, id));
  });

  router.delete('/sweeps/:id', async (request, response) => {
    const { id } = validate(uuidParam, request.params, 'params');
    const result = await cancelSweep(ctx, id);
    logger.info({ sweepId: id, ...result }, 'sweep cancelled');
    response.json({ sweepId: id, ...result });
  });

  return router;
}

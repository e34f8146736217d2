/** History of every result, filtered and paginated, and speedups aggregated per variant and host. */
import { Router } from 'express';

import { queryHistory, speedupsReport } from '../../platform/services/history.js';
import { historyQuerySchema, speedupsQuerySchema } from '../../platform/services/requests.js';
import type { ApiDeps } from '../deps.js';
import { validate } from '../validation.js';

export function historyRouter({ ctx }: ApiDeps): Router {
  const router = Router();

  router.get('/history', async (request, response) => {
    response.json(await queryHistory(ctx.prisma, validate(historyQuerySchema, request.query, 'query')));
  });

  router.get('/speedups', async (request, response) => {
    response.json(await speedupsReport(ctx.prisma, validate(speedupsQuerySchema, request.query, 'query')));
  });

  return router;
}

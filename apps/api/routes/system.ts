/** Models, live workers, liveness, readiness and Prometheus metrics. */
import { Router } from 'express';

import { liveWorkers } from '../../platform/services/hosts.js';
import { listModels } from '../../platform/services/models.js';
import type { ApiDeps } from '../deps.js';

async function check(probe: () => Promise<unknown>, timeoutMs: number): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([probe(), new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)))]);
    return 'ok';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    clearTimeout(timer);
  }
}

/** Routes under /v1 (behind the API key when one is set). */
export function systemRouter({ ctx }: ApiDeps): Router {
  const router = Router();
  router.get('/models', async (_request, response) => {
    response.json({ items: await listModels(ctx.prisma) });
  });
  router.get('/workers', async (_request, response) => {
    response.json({ items: await liveWorkers(ctx.prisma, ctx.config.heartbeatMs) });
  });
  return router;
}

/** Routes at the root, open to probes and scrapers. */
export function probesRouter({ ctx, redis, metrics }: ApiDeps): Router {
  const router = Router();
  router.get('/healthz', (_request, response) => {
    response.json({ status: 'ok' });
  });
  router.get('/readyz', async (_request, response) => {
    const [postgres, redisCheck] = await Promise.all([check(() => ctx.prisma.$queryRaw`SELECT 1`, 2000), check(() => redis.ping(), 2000)]);
    const ready = postgres === 'ok' && redisCheck === 'ok';
    response.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'unavailable', checks: { postgres, redis: redisCheck } });
  });
  router.get('/metrics', async (_request, response) => {
    response.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });
  return router;
}

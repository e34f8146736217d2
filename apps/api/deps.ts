/** Dependencies shared by the routes: the services' context, the logger, Redis for readiness, queue events and metrics. */
import type { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';

import type { Logger } from '../platform/logger.js';
import type { ServiceContext } from '../platform/services/context.js';
import type { ApiMetrics } from './metrics.js';

export interface ApiDeps {
  ctx: ServiceContext;
  logger: Logger;
  redis: Redis;
  /** Completion events of the caption queue, for POST /v1/captions to wait on. */
  captionEvents: QueueEvents;
  metrics: ApiMetrics;
}

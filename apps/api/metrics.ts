/**
 * Prometheus metrics at /metrics: process defaults, request durations by route and status, and,
 * read at scrape time, queue depths by state and the number of live workers.
 */
import type { RequestHandler } from 'express';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

import type { ServiceContext } from '../platform/services/context.js';
import { liveWorkers } from '../platform/services/hosts.js';

export interface ApiMetrics {
  registry: Registry;
  sweepsCreated: Counter;
  captionsRequested: Counter;
  observeRequests: RequestHandler;
}

const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'waiting-children', 'prioritized'] as const;

export function createMetrics(ctx: ServiceContext): ApiMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'blipbench_api_' });
  const requests = new Histogram({
    name: 'blipbench_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [registry],
  });
  const sweepsCreated = new Counter({ name: 'blipbench_sweeps_created_total', help: 'Sweeps accepted by POST /v1/sweeps', registers: [registry] });
  const captionsRequested = new Counter({ name: 'blipbench_captions_requested_total', help: 'Caption jobs created by POST /v1/captions', registers: [registry] });
  new Gauge({
    name: 'blipbench_queue_jobs',
    help: 'Jobs in each BullMQ queue by state, read at scrape time',
    labelNames: ['queue', 'state'],
    registers: [registry],
    async collect() {
      for (const queue of [ctx.queues.sweeps, ctx.queues.benchmark, ctx.queues.caption]) {
        const counts = await queue.getJobCounts(...JOB_STATES);
        for (const state of JOB_STATES) this.set({ queue: queue.name, state }, counts[state] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'blipbench_live_workers',
    help: 'Worker processes with a recent heartbeat',
    registers: [registry],
    async collect() {
      this.set((await liveWorkers(ctx.prisma, ctx.config.heartbeatMs)).length);
    },
  });
  const observeRequests: RequestHandler = (request, response, next) => {
    const end = requests.startTimer();
    response.on('finish', () => {
      // The matched route pattern keeps label values few (ids are not labels).
      const route = request.route?.path ? `${request.baseUrl}${String(request.route.path)}` : 'unmatched';
      end({ method: request.method, route, status: String(response.statusCode) });
    });
    next();
  };
  return { registry, sweepsCreated, captionsRequested, observeRequests };
}

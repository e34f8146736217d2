/**
 * Starts the API on given service URLs: checks Redis's eviction policy, applies pending
 * migrations, registers the built-in models, reconciles the queue with Postgres at start and
 * periodically, and listens.
 */
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';

import { QueueEvents } from 'bullmq';

import type { PlatformConfig } from '../platform/config/config.js';
import { openDatabase, type Database } from '../platform/db/client.js';
import { applyMigrations } from '../platform/db/migrations.js';
import type { Logger } from '../platform/logger.js';
import { QUEUE_NAMES } from '../platform/queue/names.js';
import { openQueues } from '../platform/queue/queues.js';
import { assertNoEviction, connectionOptions, openRedis } from '../platform/queue/redis.js';
import type { ServiceContext } from '../platform/services/context.js';
import { registerBuiltinModels } from '../platform/services/models.js';
import { reconcile } from '../platform/services/reconciler.js';
import { createApp } from './app.js';
import { createMetrics } from './metrics.js';

export interface StartApiOptions {
  config: PlatformConfig;
  databaseUrl: string;
  redisUrl: string;
  logger: Logger;
}

export interface RunningApi {
  url: string;
  ctx: ServiceContext;
  close(): Promise<void>;
}

function projectVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function startApi(options: StartApiOptions): Promise<RunningApi> {
  const { config, logger } = options;
  const redis = openRedis(options.redisUrl);
  const closers: Array<() => Promise<void>> = [async () => redis.disconnect()];
  const closeAll = async () => {
    for (const close of closers.reverse()) await close();
  };
  try {
    await assertNoEviction(redis);
    const applied = await applyMigrations(options.databaseUrl);
    if (applied.length > 0) logger.info({ applied }, 'migrations applied');
    const db: Database = openDatabase({ url: options.databaseUrl, poolSize: config.dbPoolSize, onConnectionError: (err) => logger.warn({ err }, 'Postgres connection lost; the pool reconnects on the next query') });
    closers.push(() => db.close());
    await registerBuiltinModels(db.prisma);
    const queues = openQueues(options.redisUrl, config);
    closers.push(() => queues.close());
    const captionEvents = new QueueEvents(QUEUE_NAMES.caption, { connection: connectionOptions(options.redisUrl), prefix: config.queuePrefix });
    closers.push(() => captionEvents.close());
    await captionEvents.waitUntilReady();

    const ctx: ServiceContext = { prisma: db.prisma, queues, config };
    const runReconcile = async (reason: string) => {
      try {
        const report = await reconcile(ctx);
        if (report.requeued > 0 || report.markedFailed > 0) logger.warn({ ...report, reason }, 'reconciler re-enqueued jobs the queue had lost');
        else logger.debug({ ...report, reason }, 'reconciler found the queue complete');
      } catch (err) {
        logger.error({ err, reason }, 'reconciler pass failed; the next pass retries');
      }
    };
    await runReconcile('start');
    if (config.reconcileIntervalMs > 0) {
      let running = false;
      const timer = setInterval(() => {
        if (running) return;
        running = true;
        void runReconcile('interval').finally(() => (running = false));
      }, config.reconcileIntervalMs);
      closers.push(async () => clearInterval(timer));
    }

    const app = createApp({ ctx, logger, redis, captionEvents, metrics: createMetrics(ctx) }, projectVersion());
    const server = await new Promise<ReturnType<typeof app.listen>>((resolve, reject) => {
      const listening = app.listen(config.port, config.host, () => resolve(listening));
      listening.once('error', reject);
    });
    closers.push(
      () =>
        new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        }),
    );
    const address = server.address() as AddressInfo;
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
    const url = `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${address.port}`;
    logger.info({ url }, 'API listening');
    return { url, ctx, close: closeAll };
  } catch (error) {
    await closeAll();
    throw error;
  }
}

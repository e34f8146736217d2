/**
 * A test's own platform: a fresh database, queues under a unique Redis key prefix (removed
 * afterwards), and a configuration with short timings.
 */
import { randomBytes } from 'node:crypto';

import { loadConfig, type PlatformConfig } from '../../../apps/platform/config/config.js';
import { deleteKeysWithPrefix, openRedis } from '../../../apps/platform/queue/redis.js';
import { openQueues, type Queues } from '../../../apps/platform/queue/queues.js';
import type { ServiceContext } from '../../../apps/platform/services/context.js';
import { registerBuiltinModels } from '../../../apps/platform/services/models.js';
import { createTestDatabase, type TestDatabase } from './database.js';

export const REDIS_URL = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestPlatform {
  db: TestDatabase;
  queues: Queues;
  config: PlatformConfig;
  ctx: ServiceContext;
  redisUrl: string;
  /** Environment a child process needs to join this platform (worker, API). */
  env: NodeJS.ProcessEnv;
  /** Deletes every Redis key under this test's prefix, as a Redis that lost its data would. */
  flushQueueKeys(): Promise<number>;
  close(): Promise<void>;
}

/** Short locks and intervals so that recovery paths run within seconds. */
export const FAST_TIMINGS: Record<string, string> = {
  BLIPBENCH_LOCK_DURATION_MS: '3000',
  BLIPBENCH_STALLED_INTERVAL_MS: '1000',
  BLIPBENCH_HOST_LOCK_TTL_MS: '1500',
  BLIPBENCH_BACKOFF_MS: '200',
  BLIPBENCH_HEARTBEAT_MS: '500',
  BLIPBENCH_RECONCILE_INTERVAL_MS: '0',
  BLIPBENCH_DB_POOL_SIZE: '3',
  // Measuring the host's peaks takes about 15 s; the efficiency test stores quickly measured peaks instead.
  BLIPBENCH_HARDWARE_PEAKS: 'off',
  LOG_LEVEL: 'warn',
};

export async function createTestPlatform(overrides: Record<string, string> = {}): Promise<TestPlatform> {
  const db = await createTestDatabase();
  await registerBuiltinModels(db.prisma);
  const prefix = `bbtest-${process.pid}-${randomBytes(4).toString('hex')}`;
  const env: NodeJS.ProcessEnv = { ...FAST_TIMINGS, ...overrides, DATABASE_URL: db.url, REDIS_URL, BLIPBENCH_QUEUE_PREFIX: prefix };
  const config = loadConfig({ ...process.env, ...env });
  const queues = openQueues(REDIS_URL, config);
  const flushQueueKeys = async () => {
    const redis = openRedis(REDIS_URL);
    try {
      return await deleteKeysWithPrefix(redis, prefix);
    } finally {
      redis.disconnect();
    }
  };
  return {
    db,
    queues,
    config,
    ctx: { prisma: db.prisma, queues, config },
    redisUrl: REDIS_URL,
    env,
    flushQueueKeys,
    async close() {
      await queues.close();
      await flushQueueKeys();
      await db.drop();
    },
  };
}

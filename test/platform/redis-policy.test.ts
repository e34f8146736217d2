import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { loadConfig } from '../../apps/platform/config/config.js';
import { ServiceConfigError } from '../../apps/platform/errors.js';
import { createLogger } from '../../apps/platform/logger.js';
import { assertNoEviction, openRedis } from '../../apps/platform/queue/redis.js';
import { startWorker } from '../../apps/worker/worker.js';
import { REDIS_URL } from './helpers/context.js';

const REDIS_SERVER = '/usr/bin/redis-server';
let server: ChildProcess | undefined;
let url = '';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

before(async () => {
  if (!existsSync(REDIS_SERVER)) return;
  const port = await freePort();
  server = spawn(REDIS_SERVER, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--maxmemory', '64mb', '--maxmemory-policy', 'allkeys-lru'], { stdio: 'ignore' });
  url = `redis://127.0.0.1:${port}`;
  const redis = openRedis(url);
  for (let i = 0; i < 50 && redis.status !== 'ready'; i += 1) await sleep(100);
  redis.disconnect();
});
after(() => {
  server?.kill('SIGTERM');
});

test('noeviction Redis passes the check', async () => {
  const redis = openRedis(REDIS_URL);
  try {
    await assertNoEviction(redis);
  } finally {
    redis.disconnect();
  }
});

test('evicting Redis is rejected with the fix', { skip: !existsSync(REDIS_SERVER) && `${REDIS_SERVER} is not installed` }, async () => {
  const redis = openRedis(url);
  try {
    await assert.rejects(assertNoEviction(redis), (error: unknown) => {
      assert.ok(error instanceof ServiceConfigError);
      assert.match(error.message, /maxmemory-policy is "allkeys-lru", but BullMQ needs "noeviction"/);
      assert.match(error.message, /CONFIG SET maxmemory-policy noeviction/);
      return true;
    });
  } finally {
    redis.disconnect();
  }
});

test('worker refuses to start on evicting Redis', { skip: !existsSync(REDIS_SERVER) && `${REDIS_SERVER} is not installed` }, async () => {
  const config = loadConfig({ LOG_LEVEL: 'silent' });
  await assert.rejects(
    startWorker({ config, databaseUrl: 'postgresql://postgres@127.0.0.1:5432/postgres', redisUrl: url, logger: createLogger('test', 'silent'), concurrency: 1, threads: 1, queues: ['caption'] }),
    ServiceConfigError,
  );
});

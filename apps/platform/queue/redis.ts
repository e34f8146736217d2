/**
 * Redis connections for BullMQ and the check that Redis will not evict queue keys.
 */
import { Redis } from 'ioredis';

import { ServiceConfigError } from '../errors.js';

/** Connection options BullMQ accepts; workers need maxRetriesPerRequest null so blocking commands survive reconnects. */
export interface RedisConnectionOptions {
  url: string;
  maxRetriesPerRequest: null;
  enableReadyCheck: boolean;
}

export function connectionOptions(url: string): RedisConnectionOptions {
  return { url, maxRetriesPerRequest: null, enableReadyCheck: true };
}

/** Opens a plain client for our own keys (locks, checks) that fails commands fast instead of queueing them forever. */
export function openRedis(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: 3, lazyConnect: false });
}

/**
 * Throws ServiceConfigError unless Redis's maxmemory-policy is noeviction: under any other policy
 * Redis may delete queue keys when memory runs short, and jobs would vanish without failing.
 */
export async function assertNoEviction(redis: Redis): Promise<void> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
    policy = reply[1];
  } catch (error) {
    // Managed Redis services often disable CONFIG; INFO memory carries the same setting.
    const info = await redis.info('memory');
    policy = /maxmemory_policy:(\S+)/.exec(info)?.[1];
    if (policy === undefined) throw new ServiceConfigError('cannot read Redis maxmemory-policy (CONFIG GET and INFO memory both failed)', { cause: error });
  }
  if (policy !== 'noeviction') {
    throw new ServiceConfigError(
      `Redis maxmemory-policy is "${policy}", but BullMQ needs "noeviction": any other policy lets Redis delete queue keys under memory pressure, losing jobs. ` +
        'Fix it with `redis-cli CONFIG SET maxmemory-policy noeviction` (and `maxmemory-policy noeviction` in redis.conf to keep it).',
    );
  }
}

/** Deletes every key under `prefix:` (queues, host slots) and returns how many were deleted; for tests and benchmarks. */
export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<number> {
  let removed = 0;
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) removed += await redis.del(...keys);
  } while (cursor !== '0');
  return removed;
}

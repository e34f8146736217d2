/**
 * A fresh database per test file on the Postgres server the tests use, with every migration
 * applied, dropped when the file's tests end.
 */
import pg from 'pg';

import { openDatabase, type Database } from '../../../apps/platform/db/client.js';
import { applyMigrations } from '../../../apps/platform/db/migrations.js';

/** Server the tests use: TEST_POSTGRES_URL, else DATABASE_URL's server, else the local one. */
export function serverUrl(): string {
  const base = process.env.TEST_POSTGRES_URL ?? process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const url = new URL(base);
  url.pathname = '/postgres';
  return url.toString();
}

export function databaseUrl(name: string, server = serverUrl()): string {
  const url = new URL(server);
  url.pathname = `/${name}`;
  return url.toString();
}

let counter = 0;

export interface TestDatabase extends Database {
  name: string;
  url: string;
  drop(): Promise<void>;
}

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl() });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates blipbench_test_<pid>_<n>, migrates it and opens a client on it. */
export async function createTestDatabase(poolSize = 4): Promise<TestDatabase> {
  counter += 1;
  const name = `blipbench_test_${process.pid}_${counter}`;
  await admin(`DROP DATABASE IF EXISTS "${name}"`);
  await admin(`CREATE DATABASE "${name}"`);
  const url = databaseUrl(name);
  await applyMigrations(url);
  const db = openDatabase({ url, poolSize });
  return {
    ...db,
    name,
    url,
    async drop() {
      await db.close();
      await admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    },
  };
}

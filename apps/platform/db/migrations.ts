/**
 * Applies, checks and creates the SQL migrations in prisma/migrations, generated from
 * prisma/schema.prisma (the source of truth) by Prisma's schema engine. The applied history is
 * Prisma's `_prisma_migrations` table, so `prisma migrate deploy` works on the same database
 * wherever the native engine can be downloaded.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { startSchemaEngine, type SchemaEngine } from './schema-engine.js';

export const PRISMA_DIR = fileURLToPath(new URL('../../../prisma/', import.meta.url));
export const SCHEMA_PATH = join(PRISMA_DIR, 'schema.prisma');
export const MIGRATIONS_DIR = join(PRISMA_DIR, 'migrations');

const NO_FILTER = { externalTables: [], externalEnums: [] };
const LOCKFILE = 'migration_lock.toml';

export interface MigrationPaths {
  schemaPath?: string;
  migrationsDir?: string;
}

/** Reads the migrations folder in the engine's form: one folder per migration, in name order. */
function readMigrationsList(migrationsDir: string) {
  const lockPath = join(migrationsDir, LOCKFILE);
  const names = existsSync(migrationsDir)
    ? readdirSync(migrationsDir, { withFileTypes: true })
        .filter((entry) => entry.isDirectory())
        .map((entry) => entry.name)
        .sort()
    : [];
  return {
    baseDir: migrationsDir,
    lockfile: { path: LOCKFILE, content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
    shadowDbInitScript: '',
    migrationDirectories: names.map((name) => {
      const file = join(migrationsDir, name, 'migration.sql');
      const content = existsSync(file) ? { tag: 'ok' as const, value: readFileSync(file, 'utf8') } : { tag: 'error' as const, value: `${file} is missing` };
      return { path: name, migrationFile: { path: 'migration.sql', content } };
    }),
  };
}

async function withEngine<T>(url: string, paths: MigrationPaths, run: (engine: SchemaEngine, schema: string, migrationsDir: string) => Promise<T>): Promise<T> {
  const schema = readFileSync(paths.schemaPath ?? SCHEMA_PATH, 'utf8');
  const running = await startSchemaEngine(url, schema);
  try {
    return await run(running.engine, schema, paths.migrationsDir ?? MIGRATIONS_DIR);
  } catch (error) {
    const driverError = running.driverErrors[running.driverErrors.length - 1];
    if (driverError === undefined) throw error;
    // The engine's message says only "External error id#N"; the driver's error says what failed.
    const reason = driverError instanceof Error ? driverError.message : String(driverError);
    throw new Error(`${error instanceof Error ? error.message.split('\n')[0] : String(error)}: ${reason}`, { cause: error });
  } finally {
    await running.stop();
  }
}

/** Applies every migration not yet recorded in `_prisma_migrations`; returns the names applied. */
export async function applyMigrations(url: string, paths: MigrationPaths = {}): Promise<string[]> {
  return withEngine(url, paths, async (engine, _schema, migrationsDir) => {
    const output = await engine.applyMigrations({ migrationsList: readMigrationsList(migrationsDir), filters: NO_FILTER });
    return output.appliedMigrationNames;
  });
}

/**
 * Returns the SQL that would bring the migrations up to schema.prisma, or '' when they match.
 * The engine replays the migrations in a throwaway shadow database on the server at `url`.
 */
export async function diffMigrationsToSchema(url: string, paths: MigrationPaths = {}): Promise<string> {
  return withEngine(url, paths, async (engine, schema, migrationsDir) => {
    const hasMigrations = readMigrationsList(migrationsDir).migrationDirectories.length > 0;
    const from = hasMigrations ? { tag: 'migrations' as const, ...readMigrationsList(migrationsDir) } : { tag: 'empty' as const };
    const result = await engine.diff({
      from,
      to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
      script: true,
      exitCode: true,
      filters: NO_FILTER,
    });
    // exitCode 2 means a non-empty diff; an empty one prints only a comment.
    return result.exitCode === 2 ? (result.stdout ?? '') : '';
  });
}

/** Writes a new migration folder for the difference between the migrations and schema.prisma; returns its path, or null when there is none. */
export async function createMigration(url: string, name: string, paths: MigrationPaths = {}, now = new Date()): Promise<string | null> {
  if (!/^[a-z0-9_]+$/.test(name)) throw new RangeError(`migration name "${name}" is invalid: use lower-case letters, digits and "_"`);
  const sql = await diffMigrationsToSchema(url, paths);
  if (sql === '') return null;
  const migrationsDir = paths.migrationsDir ?? MIGRATIONS_DIR;
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dir = join(migrationsDir, `${stamp}_${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'migration.sql'), sql);
  const lockPath = join(migrationsDir, LOCKFILE);
  if (!existsSync(lockPath)) {
    writeFileSync(lockPath, '# Written by Prisma tooling; keep it in version control.\nprovider = "postgresql"\n');
  }
  return dir;
}

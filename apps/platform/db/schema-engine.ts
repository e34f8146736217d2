/**
 * Prisma's schema engine compiled to WebAssembly (@prisma/schema-engine-wasm), driven through
 * node-postgres. The Prisma CLI's migrate commands need a native engine binary that it downloads
 * at start. This is the same engine's migration logic with no download, so migrations apply and
 * diff offline and record themselves in `_prisma_migrations` as `prisma migrate deploy` does.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

import { PrismaPg } from '@prisma/adapter-pg';
import * as engineGlue from '@prisma/schema-engine-wasm/schema_engine_bg';
import type { SchemaEngine } from '@prisma/schema-engine-wasm/schema_engine_bg';
import pg from 'pg';

export type { SchemaEngine };

let instantiated: Promise<void> | undefined;

/** The part of the WebAssembly global used here; the project's lib setting (ES2023, no DOM) does not declare it. */
interface WebAssemblyApi {
  instantiate(bytes: Uint8Array, imports: Record<string, object>): Promise<{ instance: { exports: Record<string, unknown> } }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

/** Instantiates the engine's WebAssembly module once per process (Node 20 cannot import .wasm files as modules). */
function instantiateEngine(): Promise<void> {
  instantiated ??= (async () => {
    // The engine reports a Rust panic's message through this global before throwing, as the Prisma CLI sets it up.
    const registry = { message: '', set_message(message: string) { registry.message = `engine panic: ${message}`; } };
    (globalThis as { PRISMA_WASM_PANIC_REGISTRY?: typeof registry }).PRISMA_WASM_PANIC_REGISTRY ??= registry;
    const require = createRequire(import.meta.url);
    const wasmPath = join(dirname(require.resolve('@prisma/schema-engine-wasm/schema_engine_bg')), 'schema_engine_bg.wasm');
    const { instance } = await webAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': engineGlue });
    engineGlue.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
  })();
  return instantiated;
}

// System catalogs return columns of types @prisma/adapter-pg 7 does not map (name, "char", oid,
// pg_node_tree) and it rejects the whole result with UnsupportedNativeDataType, which breaks the
// engine's introspection. Their text forms are what the engine reads, so report them as text.
const CATALOG_TYPE_AS = new Map<number, number>([
  [18, 25], // "char" -> text
  [19, 25], // name -> text
  [194, 25], // pg_node_tree -> text
  [26, 20], // oid -> int8, since oids exceed int4
  [1002, 1009], // "char"[] -> text[]
  [1003, 1009], // name[] -> text[]
]);

/** A pool whose results describe catalog-only column types as text, so the adapter can read them. */
class CatalogFriendlyPool extends pg.Pool {
  override query(...args: unknown[]): never {
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result instanceof Promise) {
      return result.then((value: pg.QueryResult) => {
        for (const field of value?.fields ?? []) {
          const replacement = CATALOG_TYPE_AS.get(field.dataTypeID);
          if (replacement !== undefined) field.dataTypeID = replacement;
        }
        return value;
      }) as never;
    }
    return result as never;
  }
}

type Result<T> = { ok: true; value: T } | { ok: false; error: { kind: 'GenericJs'; id: number } };
type AsyncMethod = (...args: unknown[]) => Promise<unknown>;

/**
 * Wraps adapters the way the engine expects, as Prisma's driver-adapter-utils binder did before
 * Prisma 7 stopped exporting it: methods bound to their object, every call returning a Result,
 * and thrown errors kept in a registry the engine reads by id.
 */
class AdapterBinder {
  readonly errors: unknown[] = [];
  readonly errorRegistry = { consumeError: (id: number) => ({ error: this.errors[id] }) };

  wrap<T>(call: () => Promise<T>, then?: (value: T) => unknown): Promise<Result<unknown>> {
    return call().then(
      (value) => ({ ok: true as const, value: then ? then(value) : value }),
      (error: unknown) => {
        this.errors.push(error);
        return { ok: false as const, error: { kind: 'GenericJs' as const, id: this.errors.length - 1 } };
      },
    );
  }

  method(target: object, name: string, then?: (value: unknown) => unknown): (...args: unknown[]) => Promise<Result<unknown>> {
    const fn = (target as Record<string, AsyncMethod>)[name].bind(target);
    return (...args) => this.wrap(() => fn(...args), then);
  }

  transaction(tx: object): object {
    const t = tx as { adapterName: string; provider: string; options: unknown };
    return {
      adapterName: t.adapterName,
      provider: t.provider,
      options: t.options,
      queryRaw: this.method(tx, 'queryRaw'),
      executeRaw: this.method(tx, 'executeRaw'),
      commit: this.method(tx, 'commit'),
      rollback: this.method(tx, 'rollback'),
    };
  }

  adapter(adapter: object): object {
    const a = adapter as { adapterName: string; provider: string; getConnectionInfo(): unknown };
    return {
      adapterName: a.adapterName,
      provider: a.provider,
      errorRegistry: this.errorRegistry,
      queryRaw: this.method(adapter, 'queryRaw'),
      executeRaw: this.method(adapter, 'executeRaw'),
      // adapter-pg 7 splits scripts at every ";", even inside comments and strings. One simple-protocol
      // query runs the whole script instead, and Postgres makes it atomic as an implicit transaction.
      executeScript: (script: string) => this.wrap(async () => void (await (adapter as { underlyingDriver(): pg.Pool }).underlyingDriver().query(script))),
      dispose: this.method(adapter, 'dispose'),
      startTransaction: this.method(adapter, 'startTransaction', (tx) => this.transaction(tx as object)),
      getConnectionInfo: () => ({ ok: true, value: a.getConnectionInfo() }),
    };
  }
}

/** Connection settings as separate fields: the shadow database replaces only `database`. */
function connectionConfig(url: string): pg.PoolConfig {
  const parsed = new URL(url);
  return {
    host: decodeURIComponent(parsed.hostname),
    port: parsed.port ? Number(parsed.port) : 5432,
    user: decodeURIComponent(parsed.username) || undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    database: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || undefined,
    max: 2,
  };
}

async function runAdmin(config: pg.PoolConfig, sql: string): Promise<void> {
  const client = new pg.Client({ ...config, database: 'postgres' });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function connectPool(config: pg.PoolConfig): Promise<object> {
  return new PrismaPg(new CatalogFriendlyPool(config), { disposeExternalPool: true }).connect();
}

interface Disposable {
  dispose(): Promise<void>;
}

/** Creates a driver adapter factory for the engine, including a throwaway shadow database for diffs. */
function adapterFactory(url: string, binder: AdapterBinder, opened: Disposable[]): object {
  const config = connectionConfig(url);
  const connect = async (poolConfig: pg.PoolConfig): Promise<Disposable> => {
    const adapter = (await connectPool(poolConfig)) as Disposable;
    opened.push(adapter);
    return adapter;
  };
  return {
    adapterName: '@prisma/adapter-pg',
    provider: 'postgres',
    errorRegistry: binder.errorRegistry,
    connect: () => binder.wrap(() => connect(config), (adapter) => binder.adapter(adapter)),
    connectToShadowDb: () =>
      binder.wrap(
        async () => {
          const database = `blipbench_shadow_${process.pid}_${Date.now()}`;
          await runAdmin(config, `CREATE DATABASE "${database}"`);
          const adapter = await connect({ ...config, database });
          const dispose = adapter.dispose.bind(adapter);
          let disposed = false;
          adapter.dispose = async () => {
            if (disposed) return;
            disposed = true;
            await dispose();
            await runAdmin(config, `DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
          };
          return adapter;
        },
        (adapter) => binder.adapter(adapter),
      ),
  };
}

export interface RunningSchemaEngine {
  engine: SchemaEngine;
  /** Errors thrown by the database driver, which the engine reports only as "External error id#N". */
  driverErrors: readonly unknown[];
  /** Frees the engine and closes every connection it opened, releasing its migration advisory lock. */
  stop(): Promise<void>;
}

/** Starts the engine on the database at `url` with `schema` (the text of schema.prisma) loaded. */
export async function startSchemaEngine(url: string, schema: string, onLog?: (line: string) => void): Promise<RunningSchemaEngine> {
  await instantiateEngine();
  const binder = new AdapterBinder();
  const opened: Disposable[] = [];
  const engine = await engineGlue.SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, (line: string) => onLog?.(line), adapterFactory(url, binder, opened));
  return {
    engine,
    driverErrors: binder.errors,
    async stop() {
      engine.free();
      // The engine may already have disposed some; disposing the pool twice is harmless except for the shadow database, guarded above.
      await Promise.allSettled(opened.map((adapter) => adapter.dispose()));
    },
  };
}

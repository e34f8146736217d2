/**
 * Configuration of the API and the workers, read once from environment variables.
 * Every variable has a default here; README.md lists them for people.
 */
import { resolve } from 'node:path';
import { z } from 'zod';

import { ConfigError } from '../errors.js';

const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);

/** One entry per environment variable; the key is the variable's name. */
const envSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /** Connections per process: 4 keeps 20 worker processes under Postgres's default max_connections of 100. */
  BLIPBENCH_DB_POOL_SIZE: int(1, 100).default(4),
  BLIPBENCH_QUEUE_PREFIX: z.string().regex(/^[A-Za-z0-9_:-]+$/, 'letters, digits, "_", ":" and "-" only').default('blipbench'),
  BLIPBENCH_HOST: z.string().default('127.0.0.1'),
  BLIPBENCH_PORT: int(0, 65535).default(3000),
  BLIPBENCH_API_KEY: z.string().min(16, 'use at least 16 characters').optional(),
  BLIPBENCH_MODEL_STORE: z.string().default('models/store'),
  BLIPBENCH_DATA_DIR: z.string().default('.data'),
  BLIPBENCH_SAMPLE_IMAGES: z.string().default('../shared/data/images'),
  BLIPBENCH_MAX_UPLOAD_BYTES: int(1, 1024 ** 3).default(20 * 1024 * 1024),
  BLIPBENCH_MAX_SWEEP_JOBS: int(1, 1_000_000).default(2000),
  BLIPBENCH_MAX_GRID_VARIANTS: int(1, 100_000).default(256),
  BLIPBENCH_CAPTION_WAIT_MS: int(0, 600_000).default(10_000),
  /**
   * BullMQ renews a job's lock every half of this while the job runs, so it bounds how long the
   * event loop may stay blocked (building a large variant's graphs) and how long a killed worker's
   * job waits before another worker takes it.
   */
  BLIPBENCH_LOCK_DURATION_MS: int(1000, 3_600_000).default(120_000),
  BLIPBENCH_STALLED_INTERVAL_MS: int(500, 3_600_000).default(30_000),
  BLIPBENCH_MAX_STALLED_COUNT: int(0, 100).default(2),
  BLIPBENCH_JOB_ATTEMPTS: int(1, 100).default(3),
  BLIPBENCH_BACKOFF_MS: int(0, 3_600_000).default(5000),
  BLIPBENCH_KEEP_COMPLETED_SECONDS: int(0, 365 * 86400).default(86400),
  BLIPBENCH_KEEP_COMPLETED_COUNT: int(0, 10_000_000).default(1000),
  BLIPBENCH_KEEP_FAILED_SECONDS: int(0, 365 * 86400).default(7 * 86400),
  BLIPBENCH_KEEP_FAILED_COUNT: int(0, 10_000_000).default(5000),
  BLIPBENCH_RECONCILE_INTERVAL_MS: int(0, 86_400_000).default(60_000),
  BLIPBENCH_HEARTBEAT_MS: int(100, 3_600_000).default(10_000),
  /** How long a worker keeps retrying a result write while Postgres is unreachable before handing the job back. */
  BLIPBENCH_DB_WRITE_RETRY_MS: int(0, 86_400_000).default(600_000),
  /** A host's benchmark slot expires this long after its holder stops renewing it (e.g. was killed). */
  BLIPBENCH_HOST_LOCK_TTL_MS: int(500, 3_600_000).default(30_000),
  /** Average CPU cores of other work during timed runs above which a result is flagged as overlapped. */
  BLIPBENCH_OVERLAP_CORES: z.coerce.number().min(0).max(1024).default(0.25),
  /** `measure`: a worker measures its host's GEMM and bandwidth peaks once (about 15 s) and results report efficiency; `off`: no efficiency figures. */
  BLIPBENCH_HARDWARE_PEAKS: z.enum(['measure', 'off']).default('measure'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export type EnvConfig = z.output<typeof envSchema>;

/** Validated configuration, with paths resolved against the working directory. */
export interface PlatformConfig {
  databaseUrl: string | undefined;
  redisUrl: string | undefined;
  dbPoolSize: number;
  queuePrefix: string;
  host: string;
  port: number;
  apiKey: string | undefined;
  modelStore: string;
  dataDir: string;
  sampleImagesDir: string;
  maxUploadBytes: number;
  maxSweepJobs: number;
  maxGridVariants: number;
  captionWaitMs: number;
  lockDurationMs: number;
  stalledIntervalMs: number;
  maxStalledCount: number;
  jobAttempts: number;
  backoffMs: number;
  keepCompleted: { age: number; count: number };
  keepFailed: { age: number; count: number };
  reconcileIntervalMs: number;
  heartbeatMs: number;
  dbWriteRetryMs: number;
  hostLockTtlMs: number;
  overlapCores: number;
  hardwarePeaks: EnvConfig['BLIPBENCH_HARDWARE_PEAKS'];
  logLevel: EnvConfig['LOG_LEVEL'];
}

/** Reads the configuration from `env`, throwing ConfigError that names each invalid variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): PlatformConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([key, value]) => key in envSchema.shape && value !== undefined && value !== ''));
  const parsed = envSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid environment: ${problems.join('; ')}`);
  }
  const e = parsed.data;
  return Object.freeze({
    databaseUrl: e.DATABASE_URL,
    redisUrl: e.REDIS_URL,
    dbPoolSize: e.BLIPBENCH_DB_POOL_SIZE,
    queuePrefix: e.BLIPBENCH_QUEUE_PREFIX,
    host: e.BLIPBENCH_HOST,
    port: e.BLIPBENCH_PORT,
    apiKey: e.BLIPBENCH_API_KEY,
    modelStore: resolve(e.BLIPBENCH_MODEL_STORE),
    dataDir: resolve(e.BLIPBENCH_DATA_DIR),
    sampleImagesDir: resolve(e.BLIPBENCH_SAMPLE_IMAGES),
    maxUploadBytes: e.BLIPBENCH_MAX_UPLOAD_BYTES,
    maxSweepJobs: e.BLIPBENCH_MAX_SWEEP_JOBS,
    maxGridVariants: e.BLIPBENCH_MAX_GRID_VARIANTS,
    captionWaitMs: e.BLIPBENCH_CAPTION_WAIT_MS,
    lockDurationMs: e.BLIPBENCH_LOCK_DURATION_MS,
    stalledIntervalMs: e.BLIPBENCH_STALLED_INTERVAL_MS,
    maxStalledCount: e.BLIPBENCH_MAX_STALLED_COUNT,
    jobAttempts: e.BLIPBENCH_JOB_ATTEMPTS,
    backoffMs: e.BLIPBENCH_BACKOFF_MS,
    keepCompleted: { age: e.BLIPBENCH_KEEP_COMPLETED_SECONDS, count: e.BLIPBENCH_KEEP_COMPLETED_COUNT },
    keepFailed: { age: e.BLIPBENCH_KEEP_FAILED_SECONDS, count: e.BLIPBENCH_KEEP_FAILED_COUNT },
    reconcileIntervalMs: e.BLIPBENCH_RECONCILE_INTERVAL_MS,
    heartbeatMs: e.BLIPBENCH_HEARTBEAT_MS,
    dbWriteRetryMs: e.BLIPBENCH_DB_WRITE_RETRY_MS,
    hostLockTtlMs: e.BLIPBENCH_HOST_LOCK_TTL_MS,
    overlapCores: e.BLIPBENCH_OVERLAP_CORES,
    hardwarePeaks: e.BLIPBENCH_HARDWARE_PEAKS,
    logLevel: e.LOG_LEVEL,
  });
}

/** Names of every variable loadConfig reads, for documentation checks. */
export const CONFIG_VARIABLES: readonly string[] = Object.freeze(Object.keys(envSchema.shape));

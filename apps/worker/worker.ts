/**
 * One worker process: BullMQ workers for the caption, benchmark and sweeps queues, the host's
 * benchmark slot, a heartbeat row in Postgres, and an orderly stop that finishes or hands back
 * the running jobs.
 */
import { randomUUID } from 'node:crypto';

import { Worker, type Job } from 'bullmq';

import type { PlatformConfig } from '../platform/config/config.js';
import { openDatabase, type Database } from '../platform/db/client.js';
import { describeError } from '../platform/errors.js';
import { fingerprintHash, readHostFingerprint } from '../platform/host/fingerprint.js';
import type { Logger } from '../platform/logger.js';
import { QUEUE_NAMES, type SweepJobData, type WorkJobData } from '../platform/queue/names.js';
import { assertNoEviction, connectionOptions, openRedis } from '../platform/queue/redis.js';
import { heartbeat, markWorkerStopped, registerWorker, upsertHost } from '../platform/services/hosts.js';
import { closeSweep, JobRowCache } from '../platform/services/job-lifecycle.js';
import { CaptionerCache } from './captioner-cache.js';
import { HostSlot } from './host-slot.js';
import { ImageCache } from './image-cache.js';
import { processWorkJob, type JobOutcome, type WorkerRuntime } from './process-job.js';
import type { HardwarePeaks } from '../../models/bench/index.js';
import { ensureHardwarePeaks } from './hardware-peaks.js';

export type WorkerQueue = 'benchmark' | 'caption' | 'sweeps';

export interface StartWorkerOptions {
  config: PlatformConfig;
  databaseUrl: string;
  redisUrl: string;
  logger: Logger;
  /** Caption jobs at once in this process; benchmark jobs run one at a time per host regardless. */
  concurrency: number;
  /** onnxruntime intra-op threads per captioner; 0 lets onnxruntime choose. */
  threads: number;
  queues: readonly WorkerQueue[];
}

export interface RunningWorker {
  workerId: string;
  hostId: string;
  /** Stops taking jobs, lets running ones finish or hand themselves back, and closes every connection. */
  stop(): Promise<void>;
}

export async function startWorker(options: StartWorkerOptions): Promise<RunningWorker> {
  const { config, logger } = options;
  const redis = openRedis(options.redisUrl);
  let db: Database | undefined;
  try {
    await assertNoEviction(redis);
    db = openDatabase({ url: options.databaseUrl, poolSize: config.dbPoolSize, onConnectionError: (err) => logger.warn({ err }, 'Postgres connection lost; the pool reconnects on the next query') });
  } catch (error) {
    redis.disconnect();
    throw error;
  }
  const { prisma } = db;
  const fingerprint = readHostFingerprint();
  const workerId = randomUUID();
  let host: { id: string };
  try {
    host = await upsertHost(prisma, fingerprint);
    await registerWorker(prisma, { id: workerId, hostId: host.id, pid: process.pid, concurrency: options.concurrency, threads: options.threads, queues: [...options.queues] });
  } catch (error) {
    await db.close();
    redis.disconnect();
    throw error;
  }
  const log = logger.child({ workerId, hostId: host.id });
  let hardwarePeaks: HardwarePeaks | null = null;
  if (config.hardwarePeaks === 'measure') {
    try {
      hardwarePeaks = await ensureHardwarePeaks(prisma, host.id, fingerprintHash(fingerprint), config.modelStore, () => log.info('measuring this host\'s GEMM and bandwidth peaks once, about 15 s, for efficiency figures'));
    } catch (err) {
      // Efficiency figures are extra: without peaks the worker still measures and writes every result.
      log.warn({ err }, 'hardware peaks could not be measured; results carry no efficiency figures');
    }
  }

  const shutdown = new AbortController();
  const slot = new HostSlot(redis, `${config.queuePrefix}:host-slot:${fingerprintHash(fingerprint)}`, workerId, config.hostLockTtlMs);
  const runtime: WorkerRuntime = {
    prisma,
    config,
    logger: log,
    hostId: host.id,
    workerId,
    threads: options.threads,
    // Each running job uses at most two captioners (its variant and the baseline), so this never evicts one in use.
    captioners: new CaptionerCache(Math.max(8, 2 * options.concurrency + 2)),
    images: new ImageCache(prisma, 256 * 1024 * 1024),
    rows: new JobRowCache(prisma),
    shutdown: shutdown.signal,
    captionActivity: { active: 0, started: 0 },
    holdsBenchmarkSlot: () => slot.isHeld,
    hardwarePeaks,
  };

  const common = {
    connection: connectionOptions(options.redisUrl),
    prefix: config.queuePrefix,
    lockDuration: config.lockDurationMs,
    stalledInterval: config.stalledIntervalMs,
    maxStalledCount: config.maxStalledCount,
  };
  const processor = (job: Job<WorkJobData>, token?: string): Promise<JobOutcome> => processWorkJob(runtime, job, token);
  const workers: Worker[] = [];
  const watch = (worker: Worker, name: string) => {
    worker.on('error', (err) => log.error({ err, queue: name }, 'queue worker error'));
    worker.on('failed', (job, err) => log.warn({ jobId: job?.id, queue: name, attemptsMade: job?.attemptsMade, reason: describeError(err) }, 'job attempt failed'));
    worker.on('stalled', (jobId) => log.warn({ jobId, queue: name }, 'job stalled: its worker stopped renewing the lock; it will run again'));
    workers.push(worker);
    return worker;
  };

  if (options.queues.includes('caption')) {
    watch(new Worker<WorkJobData, JobOutcome>(QUEUE_NAMES.caption, processor, { ...common, concurrency: options.concurrency }), QUEUE_NAMES.caption);
  }
  if (options.queues.includes('sweeps')) {
    const finish = async (job: Job<SweepJobData>) => {
      const closed = await closeSweep(prisma, job.data.sweepId);
      log.info({ sweepId: job.data.sweepId, closed }, 'sweep finished');
      return { closed };
    };
    watch(new Worker<SweepJobData>(QUEUE_NAMES.sweeps, finish, { ...common, concurrency: 1 }), QUEUE_NAMES.sweeps);
  }

  let benchmark: Worker<WorkJobData, JobOutcome> | undefined;
  let slotTimer: NodeJS.Timeout | undefined;
  if (options.queues.includes('benchmark')) {
    benchmark = watch(new Worker<WorkJobData, JobOutcome>(QUEUE_NAMES.benchmark, processor, { ...common, concurrency: 1, autorun: false }), QUEUE_NAMES.benchmark) as Worker<WorkJobData, JobOutcome>;
    let started = false;
    let paused = false;
    const tick = async () => {
      if (shutdown.signal.aborted || !benchmark) return;
      const held = await slot.refresh().catch((err: unknown) => {
        log.warn({ err }, 'could not refresh the host benchmark slot');
        return false;
      });
      if (held && !started) {
        started = true;
        log.info({ slot: slot.key }, 'holding the host benchmark slot; taking benchmark jobs');
        benchmark.run().catch((err: unknown) => log.error({ err }, 'benchmark worker stopped with an error'));
      } else if (held && paused) {
        paused = false;
        benchmark.resume();
        log.info('benchmark slot regained; taking benchmark jobs again');
      } else if (!held && started && !paused) {
        paused = true;
        await benchmark.pause(true);
        log.warn('benchmark slot lost; benchmark jobs paused in this process');
      }
    };
    await tick();
    slotTimer = setInterval(() => void tick(), Math.max(100, Math.floor(config.hostLockTtlMs / 3)));
  }

  // A heartbeat fails at every interval while Postgres is down: log the first failure, every 100th, and the recovery.
  let failedBeats = 0;
  const beat = setInterval(() => {
    heartbeat(prisma, workerId).then(
      () => {
        if (failedBeats > 0) log.info({ failedBeats }, 'heartbeat recovered');
        failedBeats = 0;
      },
      (err: unknown) => {
        if (failedBeats % 100 === 0) log.warn({ err, failedBeats: failedBeats + 1 }, 'heartbeat failed');
        failedBeats += 1;
      },
    );
  }, config.heartbeatMs);
  log.info({ queues: options.queues, concurrency: options.concurrency, threads: options.threads, host: fingerprint.hostname, cpu: fingerprint.cpuModel, simd: fingerprint.simdFlags }, 'worker started');

  let stopping: Promise<void> | undefined;
  return {
    workerId,
    hostId: host.id,
    stop() {
      stopping ??= (async () => {
        log.info('worker stopping: running jobs finish or hand themselves back');
        shutdown.abort();
        clearInterval(beat);
        if (slotTimer) clearInterval(slotTimer);
        await Promise.all(workers.map((worker) => worker.close()));
        await slot.release().catch((err: unknown) => log.warn({ err }, 'could not release the host benchmark slot; it expires by itself'));
        await runtime.captioners.clear();
        await markWorkerStopped(prisma, workerId).catch((err: unknown) => log.warn({ err }, 'could not mark the worker stopped'));
        await db.close();
        redis.disconnect();
        log.info('worker stopped');
      })();
      return stopping;
    },
  };
}

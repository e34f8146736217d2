/**
 * The only door to BullMQ for producers: the queues, the flow producer, the job options, and the
 * functions that enqueue a sweep or single jobs.
 */
import { FlowProducer, Queue, type JobsOptions } from 'bullmq';

import type { PlatformConfig } from '../config/config.js';
import { connectionOptions } from './redis.js';
import { QUEUE_NAMES, queueForKind, type SweepJobData, type WorkJobData } from './names.js';

export interface Queues {
  prefix: string;
  sweeps: Queue<SweepJobData>;
  benchmark: Queue<WorkJobData>;
  caption: Queue<WorkJobData>;
  flow: FlowProducer;
  jobOptions: JobsOptions;
  close(): Promise<void>;
}

type QueueSettings = Pick<PlatformConfig, 'queuePrefix' | 'jobAttempts' | 'backoffMs' | 'keepCompleted' | 'keepFailed'>;

/**
 * Options of every benchmark and caption job: exponential backoff between attempts, and finished
 * jobs kept for a bounded age and count (Postgres keeps the history, Redis only the transport).
 */
export function workJobOptions(settings: QueueSettings): JobsOptions {
  return {
    attempts: settings.jobAttempts,
    backoff: { type: 'exponential', delay: settings.backoffMs },
    removeOnComplete: settings.keepCompleted,
    removeOnFail: settings.keepFailed,
  };
}

export function openQueues(redisUrl: string, settings: QueueSettings): Queues {
  const connection = connectionOptions(redisUrl);
  const prefix = settings.queuePrefix;
  const sweeps = new Queue<SweepJobData>(QUEUE_NAMES.sweeps, { connection, prefix });
  const benchmark = new Queue<WorkJobData>(QUEUE_NAMES.benchmark, { connection, prefix });
  const caption = new Queue<WorkJobData>(QUEUE_NAMES.caption, { connection, prefix });
  const flow = new FlowProducer({ connection, prefix });
  return {
    prefix,
    sweeps,
    benchmark,
    caption,
    flow,
    jobOptions: workJobOptions(settings),
    async close() {
      await Promise.all([sweeps.close(), benchmark.close(), caption.close(), flow.close()]);
    },
  };
}

export function queueOf(queues: Queues, kind: WorkJobData['kind']): Queue<WorkJobData> {
  return queueForKind(kind) === QUEUE_NAMES.benchmark ? queues.benchmark : queues.caption;
}

/**
 * Enqueues a sweep as a BullMQ flow: a parent on the sweeps queue and one child per job. The
 * children's ids are the Postgres job ids, so enqueueing the same job twice adds it once. A failed
 * child does not block the parent (ignoreDependencyOnFailure), so the parent runs when all have finished.
 */
export async function enqueueSweep(queues: Queues, sweepId: string, jobs: WorkJobData[]): Promise<void> {
  await queues.flow.add({
    name: 'sweep',
    queueName: QUEUE_NAMES.sweeps,
    data: { sweepId },
    opts: { jobId: sweepId, removeOnComplete: queues.jobOptions.removeOnComplete, removeOnFail: queues.jobOptions.removeOnFail },
    children: jobs.map((data) => ({
      name: data.kind,
      queueName: queueForKind(data.kind),
      data,
      opts: { ...queues.jobOptions, jobId: data.jobId, ignoreDependencyOnFailure: true },
    })),
  });
}

/** Enqueues jobs without a parent (single captions, and jobs re-enqueued whose sweep parent still exists). */
export async function enqueueJobs(queues: Queues, jobs: WorkJobData[]): Promise<void> {
  for (const kind of ['benchmark', 'caption'] as const) {
    const ofKind = jobs.filter((job) => job.kind === kind);
    if (ofKind.length === 0) continue;
    await queueOf(queues, kind).addBulk(ofKind.map((data) => ({ name: data.kind, data, opts: { ...queues.jobOptions, jobId: data.jobId } })));
  }
}

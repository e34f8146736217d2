/**
 * Postgres is the source of truth for what a sweep must still do; Redis is transport. The
 * reconciler re-enqueues every open job (queued or running, no result) that the queue no longer
 * holds, e.g. after Redis lost its data. It also records as failed the jobs that BullMQ gave up on
 * while Postgres was unreachable.
 */
import type { Job as QueueJob } from 'bullmq';

import { enqueueJobs, enqueueSweep, queueOf } from '../queue/queues.js';
import type { WorkJobData } from '../queue/names.js';
import type { ServiceContext } from './context.js';
import { closeSweep, recordFailure } from './job-lifecycle.js';

export interface ReconcileReport {
  /** Open jobs examined. */
  checked: number;
  requeued: number;
  markedFailed: number;
  /** Sweeps closed because none of their jobs was open any more. */
  sweepsClosed: number;
}

const BATCH = 500;

async function findQueueJob(ctx: ServiceContext, data: WorkJobData): Promise<QueueJob<WorkJobData> | undefined> {
  return (await queueOf(ctx.queues, data.kind).getJob(data.jobId)) ?? undefined;
}

/** Runs one pass over every open job; safe to run concurrently with workers and with other passes. */
export async function reconcile(ctx: ServiceContext): Promise<ReconcileReport> {
  const report: ReconcileReport = { checked: 0, requeued: 0, markedFailed: 0, sweepsClosed: 0 };
  let cursor: string | undefined;
  for (;;) {
    const open = await ctx.prisma.job.findMany({
      where: { status: { in: ['queued', 'running'] }, result: { is: null } },
      include: { variant: { select: { variantHash: true, buildHash: true } } },
      orderBy: { id: 'asc' },
      take: BATCH,
      ...(cursor ? { cursor: { id: cursor }, skip: 1 } : {}),
    });
    if (open.length === 0) break;
    cursor = open[open.length - 1].id;
    report.checked += open.length;

    const missing: WorkJobData[] = [];
    for (const job of open) {
      const data: WorkJobData = {
        jobId: job.id,
        sweepId: job.sweepId,
        kind: job.kind as WorkJobData['kind'],
        modelName: job.modelName,
        imageId: job.imageId,
        variantHash: job.variant.variantHash,
        buildHash: job.variant.buildHash,
        enqueuedAt: Date.now(),
      };
      const queued = await findQueueJob(ctx, data);
      if (!queued) {
        missing.push(data);
        continue;
      }
      const state = await queued.getState();
      if (state === 'failed' && queued.attemptsMade >= (queued.opts.attempts ?? 1)) {
        await recordFailure(ctx.prisma, job.id, queued.failedReason || 'failed in the queue', true);
        report.markedFailed += 1;
      } else if (state === 'completed') {
        // Completed in BullMQ without a result row: the write was lost, so run it again.
        await queued.remove();
        missing.push(data);
      }
    }
    report.requeued += await requeue(ctx, missing);
  }
  const unfinished = await ctx.prisma.sweep.findMany({ where: { status: { in: ['queued', 'running'] }, jobs: { none: { status: { in: ['queued', 'running'] } } } }, select: { id: true } });
  for (const sweep of unfinished) if (await closeSweep(ctx.prisma, sweep.id)) report.sweepsClosed += 1;
  return report;
}

/** Re-enqueues jobs: as a new flow when the sweep's parent is gone too, else as plain jobs. */
async function requeue(ctx: ServiceContext, missing: WorkJobData[]): Promise<number> {
  const bySweep = new Map<string | null, WorkJobData[]>();
  for (const data of missing) bySweep.set(data.sweepId, [...(bySweep.get(data.sweepId) ?? []), data]);
  for (const [sweepId, jobs] of bySweep) {
    if (sweepId !== null && !(await ctx.queues.sweeps.getJob(sweepId))) await enqueueSweep(ctx.queues, sweepId, jobs);
    else await enqueueJobs(ctx.queues, jobs);
  }
  return missing.length;
}

/**
 * The worker's side of a job row: claim it, record its result exactly once, or record why it
 * failed; and close the sweep when no job of it is left to run.
 */
import type { Prisma, PrismaClient } from '../db/client.js';

/** A claimed job with what the worker needs to run it. */
export type ClaimedJob = Prisma.JobGetPayload<{ include: { variant: true; model: true; sweep: { include: { baseline: true } } } }>;

const OPEN_STATUSES = ['queued', 'running'];

/**
 * Marks the job running on `hostId` and returns it, or null when it must not run: cancelled,
 * failed, or already completed by an earlier attempt whose acknowledgement Redis lost.
 */
export async function claimJob(prisma: PrismaClient, jobId: string, hostId: string): Promise<ClaimedJob | null> {
  const existing = await prisma.result.findUnique({ where: { jobId }, select: { id: true } });
  if (existing) {
    await prisma.job.updateMany({ where: { id: jobId, status: { in: OPEN_STATUSES } }, data: { status: 'completed', finishedAt: new Date() } });
    return null;
  }
  const { count } = await prisma.job.updateMany({
    where: { id: jobId, status: { in: OPEN_STATUSES } },
    data: { status: 'running', attempts: { increment: 1 }, startedAt: new Date(), hostId },
  });
  if (count === 0) return null;
  const job = await prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { variant: true, model: true, sweep: { include: { baseline: true } } } });
  if (job.sweepId) await prisma.sweep.updateMany({ where: { id: job.sweepId, status: 'queued' }, data: { status: 'running' } });
  return job;
}

/**
 * Writes the result and marks the job completed in one transaction. A second write for the same
 * job (a retried or duplicated job) inserts nothing; returns whether this call inserted the row.
 */
export async function completeJob(prisma: PrismaClient, result: Prisma.ResultCreateManyInput): Promise<boolean> {
  const [inserted] = await prisma.$transaction([
    prisma.result.createMany({ data: [result], skipDuplicates: true }),
    prisma.job.update({ where: { id: result.jobId }, data: { status: 'completed', finishedAt: new Date(), lastError: null } }),
  ]);
  if (result.sweepId) await finalizeSweep(prisma, result.sweepId);
  return inserted.count === 1;
}

/** Records a failed attempt: back to queued while BullMQ will retry, failed for good when `final`. */
export async function recordFailure(prisma: PrismaClient, jobId: string, message: string, final: boolean): Promise<void> {
  const job = await prisma.job.findUnique({ where: { id: jobId }, select: { sweepId: true } });
  await prisma.job.updateMany({
    where: { id: jobId, status: { in: OPEN_STATUSES } },
    data: final ? { status: 'failed', lastError: message, finishedAt: new Date() } : { status: 'queued', lastError: message },
  });
  if (final && job?.sweepId) await finalizeSweep(prisma, job.sweepId);
}

/** Marks the sweep completed once none of its jobs is queued or running; a no-op otherwise. */
export async function finalizeSweep(prisma: PrismaClient, sweepId: string): Promise<boolean> {
  const count = await prisma.$executeRaw`
    UPDATE sweeps SET status = 'completed', finished_at = now()
    WHERE id = ${sweepId}::uuid AND status IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE sweep_id = ${sweepId}::uuid AND status IN ('queued', 'running'))`;
  return count === 1;
}

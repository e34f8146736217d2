/**
 * The worker's side of a job row: claim it, then record its result exactly once or why it failed.
 * The sweep is closed when none of its jobs is left to run.
 */
import type { Prisma, PrismaClient } from '../db/client.js';

/** A claimed job with what the worker needs to run it. */
export type ClaimedJob = Prisma.JobGetPayload<{ include: { variant: true; model: true; sweep: { include: { baseline: true } } } }>;

const OPEN_STATUSES = ['queued', 'running'];

/**
 * Marks the job running on `hostId` and returns it, or null when it must not run: cancelled,
 * failed, or already completed by an earlier attempt whose acknowledgement Redis lost.
 * One statement claims the row, so the common case costs two round trips (claim, then read).
 */
export async function claimJob(prisma: PrismaClient, jobId: string, hostId: string): Promise<ClaimedJob | null> {
  const claimed = await prisma.$queryRaw<Array<{ sweep_id: string | null }>>`
    UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = now(), host_id = ${hostId}::uuid
    WHERE id = ${jobId}::uuid AND status IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM results WHERE job_id = ${jobId}::uuid)
    RETURNING sweep_id`;
  if (claimed.length === 0) {
    // A result without a completed row: the earlier attempt's status update was lost.
    await prisma.$executeRaw`
      UPDATE jobs SET status = 'completed', finished_at = now()
      WHERE id = ${jobId}::uuid AND status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM results WHERE job_id = ${jobId}::uuid)`;
    return null;
  }
  const sweepId = claimed[0].sweep_id;
  const [job] = await Promise.all([
    prisma.job.findUniqueOrThrow({ where: { id: jobId }, include: { variant: true, model: true, sweep: { include: { baseline: true } } } }),
    sweepId ? prisma.sweep.updateMany({ where: { id: sweepId, status: 'queued' }, data: { status: 'running' } }) : null,
  ]);
  return job;
}

/**
 * Writes the result, marks the job completed and closes the sweep if this was its last open job,
 * in one transaction. A second write for the same job (a retried or duplicated job) inserts
 * nothing; returns whether this call inserted the row.
 */
export async function completeJob(prisma: PrismaClient, result: Prisma.ResultCreateManyInput): Promise<boolean> {
  const [inserted] = await prisma.$transaction([
    prisma.result.createMany({ data: [result], skipDuplicates: true }),
    prisma.job.update({ where: { id: result.jobId }, data: { status: 'completed', finishedAt: new Date(), lastError: null } }),
    ...(result.sweepId ? [finalizeSweepQuery(prisma, result.sweepId)] : []),
  ]);
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

function finalizeSweepQuery(prisma: PrismaClient, sweepId: string) {
  return prisma.$executeRaw`
    UPDATE sweeps SET status = 'completed', finished_at = now()
    WHERE id = ${sweepId}::uuid AND status IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE sweep_id = ${sweepId}::uuid AND status IN ('queued', 'running'))`;
}

/** Marks the sweep completed once none of its jobs is queued or running; a no-op otherwise. */
export async function finalizeSweep(prisma: PrismaClient, sweepId: string): Promise<boolean> {
  return (await finalizeSweepQuery(prisma, sweepId)) === 1;
}

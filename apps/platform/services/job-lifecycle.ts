/**
 * The worker's side of a job row: claim it, then record its result exactly once or why it failed.
 * The sweep is closed when none of its jobs is left to run.
 */
import type { Prisma, PrismaClient } from '../db/client.js';
import { scoreReferences } from './reference-scores.js';

const OPEN_STATUSES = ['queued', 'running'];

type VariantRow = Prisma.VariantGetPayload<object>;
type ModelRow = Prisma.ModelGetPayload<object>;
type SweepWithBaseline = Prisma.SweepGetPayload<{ include: { baseline: true } }>;

/** A claimed job with what the worker needs to run it. */
export interface ClaimedJob {
  id: string;
  sweepId: string | null;
  kind: string;
  modelName: string;
  variantId: string;
  imageId: string;
  isBaseline: boolean;
  options: Prisma.JsonValue | null;
  variant: VariantRow;
  model: ModelRow;
  sweep: SweepWithBaseline | null;
}

/**
 * Rows a worker reads for every job but that never change once written (variants, models, a
 * sweep's settings), kept per process so that a claim costs one round trip in the common case.
 */
export class JobRowCache {
  private readonly variants = new Map<string, Promise<VariantRow>>();
  private readonly models = new Map<string, Promise<ModelRow>>();
  private readonly sweeps = new Map<string, Promise<SweepWithBaseline>>();
  /** Sweeps this process has already marked running. */
  private readonly started = new Set<string>();

  constructor(private readonly prisma: PrismaClient) {}

  private cached<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
    let entry = map.get(key);
    if (!entry) {
      entry = load();
      map.set(key, entry);
      // A failed read (Postgres down) must not stay cached.
      entry.catch(() => map.delete(key));
    }
    return entry;
  }

  variant(id: string): Promise<VariantRow> {
    return this.cached(this.variants, id, () => this.prisma.variant.findUniqueOrThrow({ where: { id } }));
  }

  model(name: string): Promise<ModelRow> {
    return this.cached(this.models, name, () => this.prisma.model.findUniqueOrThrow({ where: { name } }));
  }

  sweep(id: string): Promise<SweepWithBaseline> {
    return this.cached(this.sweeps, id, () => this.prisma.sweep.findUniqueOrThrow({ where: { id }, include: { baseline: true } }));
  }

  /** Marks the sweep running the first time this process claims one of its jobs. */
  async markSweepStarted(id: string): Promise<void> {
    if (this.started.has(id)) return;
    await this.prisma.sweep.updateMany({ where: { id, status: 'queued' }, data: { status: 'running' } });
    this.started.add(id);
  }
}

interface ClaimedRow {
  id: string;
  sweep_id: string | null;
  kind: string;
  model_name: string;
  variant_id: string;
  image_id: string;
  is_baseline: boolean;
  options: Prisma.JsonValue | null;
}

/**
 * Marks the job running on `hostId` and returns it, or null when it must not run: cancelled,
 * failed, or already completed by an earlier attempt whose acknowledgement Redis lost.
 * One statement claims the row; the rows it refers to come from `rows`.
 */
export async function claimJob(prisma: PrismaClient, rows: JobRowCache, jobId: string, hostId: string): Promise<ClaimedJob | null> {
  const claimed = await prisma.$queryRaw<ClaimedRow[]>`
    UPDATE jobs SET status = 'running', attempts = attempts + 1, started_at = now(), host_id = ${hostId}::uuid
    WHERE id = ${jobId}::uuid AND status IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM results WHERE job_id = ${jobId}::uuid)
    RETURNING id, sweep_id, kind, model_name, variant_id, image_id, is_baseline, options`;
  if (claimed.length === 0) {
    // A result without a completed row: the earlier attempt's status update was lost.
    await prisma.$executeRaw`
      UPDATE jobs SET status = 'completed', finished_at = now()
      WHERE id = ${jobId}::uuid AND status IN ('queued', 'running') AND EXISTS (SELECT 1 FROM results WHERE job_id = ${jobId}::uuid)`;
    return null;
  }
  const row = claimed[0];
  const [variant, model, sweep] = await Promise.all([rows.variant(row.variant_id), rows.model(row.model_name), row.sweep_id ? rows.sweep(row.sweep_id) : null]);
  if (row.sweep_id) await rows.markSweepStarted(row.sweep_id);
  return {
    id: row.id,
    sweepId: row.sweep_id,
    kind: row.kind,
    modelName: row.model_name,
    variantId: row.variant_id,
    imageId: row.image_id,
    isBaseline: row.is_baseline,
    options: row.options,
    variant,
    model,
    sweep,
  };
}

/**
 * Writes the result, then marks the job completed and closes the sweep if this was its last open
 * job. A second write for the same job (a retried or duplicated job) inserts nothing; returns
 * whether this call inserted the row. The two statements need no transaction: a result whose job
 * row stayed open is completed by the next claim of that job.
 */
export async function completeJob(prisma: PrismaClient, result: Prisma.ResultCreateManyInput): Promise<boolean> {
  let inserted = true;
  try {
    // In Prisma 7.10, create took about 6 ms per call where createMany with skipDuplicates took 11 ms (a loaded 2-core VM).
    await prisma.result.create({ data: result, select: { id: true } });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'P2002') throw error;
    inserted = false;
  }
  await prisma.$executeRaw`
    WITH done AS (
      UPDATE jobs SET status = 'completed', finished_at = now(), last_error = NULL WHERE id = ${result.jobId}::uuid RETURNING sweep_id
    )
    UPDATE sweeps SET status = 'completed', finished_at = now()
    WHERE id = (SELECT sweep_id FROM done) AND status IN ('queued', 'running') AND "references" IS NULL
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE sweep_id = (SELECT sweep_id FROM done) AND status IN ('queued', 'running') AND id <> ${result.jobId}::uuid)`;
  return inserted;
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

/**
 * Closes the sweep once none of its jobs is queued or running: completed when any job has a result,
 * failed when every job failed. A no-op while jobs are open. Two
 * workers finishing a sweep's last two jobs at once can each see the other's job still open, so
 * the sweep's parent job and the reconciler call this again.
 */
export async function finalizeSweep(prisma: PrismaClient, sweepId: string, options: { referencesScored?: boolean } = {}): Promise<boolean> {
  // A sweep with reference captions closes only after its CIDEr scores are written (closeSweep), so
  // that a client never reads a completed sweep without them.
  if (!options.referencesScored) {
    const sweep = await prisma.sweep.findUnique({ where: { id: sweepId }, select: { references: true } });
    if (sweep?.references !== null && sweep?.references !== undefined) return false;
  }
  const count = await prisma.$executeRaw`
    UPDATE sweeps
    SET status = CASE WHEN EXISTS (SELECT 1 FROM jobs WHERE sweep_id = ${sweepId}::uuid AND status = 'completed') THEN 'completed' ELSE 'failed' END,
        finished_at = now()
    WHERE id = ${sweepId}::uuid AND status IN ('queued', 'running')
      AND NOT EXISTS (SELECT 1 FROM jobs WHERE sweep_id = ${sweepId}::uuid AND status IN ('queued', 'running'))`;
  return count === 1;
}

/** Scores the sweep's results against its reference captions and closes it, once none of its jobs is open. */
export async function closeSweep(prisma: PrismaClient, sweepId: string): Promise<boolean> {
  const open = await prisma.job.count({ where: { sweepId, status: { in: ['queued', 'running'] } } });
  if (open > 0) return false;
  await scoreReferences(prisma, sweepId);
  return finalizeSweep(prisma, sweepId, { referencesScored: true });
}

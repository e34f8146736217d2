/**
 * Queue names and the data each job carries. Job data contains ids and hashes only, because
 * workers read the variant spec and the image bytes from Postgres. Redis stays small, and a
 * replayed job reads the same rows.
 */

export const QUEUE_NAMES = Object.freeze({
  /** One parent job per sweep; it runs once every child has finished or failed. */
  sweeps: 'sweeps',
  /** Timed runs, one at a time per host. */
  benchmark: 'benchmark',
  /** Single captions, as many at once as the workers allow. */
  caption: 'caption',
});

export type JobKind = 'benchmark' | 'caption';

export function queueForKind(kind: JobKind): string {
  return kind === 'benchmark' ? QUEUE_NAMES.benchmark : QUEUE_NAMES.caption;
}

/** Data of a benchmark or caption job; `jobId` is the row in the jobs table and also the BullMQ job id. */
export interface WorkJobData {
  jobId: string;
  sweepId: string | null;
  kind: JobKind;
  modelName: string;
  imageId: string;
  variantHash: string;
  buildHash: string;
  /** Epoch milliseconds when the API or the reconciler enqueued the job, for the platform's overhead. */
  enqueuedAt: number;
}

/** Data of a sweep's parent job. */
export interface SweepJobData {
  sweepId: string;
}

/**
 * Summary statistics of timed runs. Every value is finite for any non-empty input, so nothing
 * stored in Postgres is NaN or Infinity: one run has a standard deviation of 0.
 */

export interface RunSummary {
  mean: number;
  median: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  /** Sample standard deviation (n − 1 in the denominator); 0 for a single run. */
  std: number;
}

/** Percentile by linear interpolation between closest ranks, as numpy.percentile's default ("linear") computes it. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new RangeError('percentile of an empty list is undefined; pass at least one value');
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile p=${p} is outside [0, 100]`);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low] + (sorted[high] - sorted[low]) * (rank - low);
}

/** Arithmetic mean; throws RangeError for an empty list instead of returning NaN. */
export function mean(values: readonly number[]): number {
  if (values.length === 0) throw new RangeError('mean of an empty list is undefined; pass at least one value');
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function median(values: readonly number[]): number {
  return percentile([...values].sort((a, b) => a - b), 50);
}

/** Summarizes run times; throws RangeError for an empty list or a value that is not finite. */
export function summarizeRuns(values: readonly number[]): RunSummary {
  if (values.length === 0) throw new RangeError('no timed runs to summarize; runs must be at least 1');
  values.forEach((value, index) => {
    if (!Number.isFinite(value)) throw new RangeError(`run ${index} has a non-finite time (${value})`);
  });
  const sorted = [...values].sort((a, b) => a - b);
  const average = mean(values);
  const squares = values.reduce((sum, value) => sum + (value - average) ** 2, 0);
  const std = values.length > 1 ? Math.sqrt(squares / (values.length - 1)) : 0;
  return {
    mean: average,
    median: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    min: sorted[0],
    max: sorted[sorted.length - 1],
    std,
  };
}

/** Divides, returning null instead of NaN or Infinity (a missing or zero baseline has no speedup). */
export function safeRatio(numerator: number | null | undefined, denominator: number | null | undefined): number | null {
  if (numerator == null || denominator == null) return null;
  if (!Number.isFinite(numerator) || !Number.isFinite(denominator) || denominator <= 0) return null;
  return numerator / denominator;
}

/**
 * Runs several benchmark subjects round by round, one run of each per round, so that a change in the
 * host's load during the benchmark falls on every subject alike instead of on whichever ran last.
 * Each round starts one subject later than the previous one, so no subject always runs first.
 */

export interface BenchSubject<T> {
  /** Unique among the subjects of one benchmark. */
  readonly name: string;
  run(): Promise<T>;
}

export interface RunEvent<T> {
  subject: string;
  /** 0-based index among the timed runs, or among the warm-up runs when `warmup` is true. */
  run: number;
  warmup: boolean;
  result: T;
}

export interface AlternateOptions<T> {
  /** Timed rounds; each subject runs once per round. */
  runs: number;
  /** Untimed rounds before the timed ones (their results are discarded). */
  warmupRuns: number;
  /** Called after every run, warm-up runs included, e.g. to print progress. */
  onRun?: (event: RunEvent<T>) => void;
  /** Awaited before every round, warm-up rounds included, e.g. to wait until the host is quiet. */
  beforeRound?: (round: number) => Promise<void>;
}

function checkOptions(subjects: readonly { name: string }[], options: Pick<AlternateOptions<unknown>, 'runs' | 'warmupRuns'>): void {
  if (subjects.length === 0) throw new RangeError('subjects must not be empty; pass at least one subject to time');
  const names = subjects.map((subject) => subject.name);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) throw new RangeError(`subject names must be unique, "${duplicate}" appears twice`);
  if (!Number.isInteger(options.runs) || options.runs < 1) throw new RangeError(`runs must be a positive integer, got ${options.runs}`);
  if (!Number.isInteger(options.warmupRuns) || options.warmupRuns < 0) throw new RangeError(`warmupRuns must be a non-negative integer, got ${options.warmupRuns}`);
}

/** Returns each subject's timed results in run order, keyed by subject name. */
export async function runAlternating<T>(subjects: readonly BenchSubject<T>[], options: AlternateOptions<T>): Promise<Map<string, T[]>> {
  checkOptions(subjects, options);
  const results = new Map<string, T[]>(subjects.map((subject) => [subject.name, []]));
  const rounds = options.warmupRuns + options.runs;
  for (let round = 0; round < rounds; round++) {
    const warmup = round < options.warmupRuns;
    const run = warmup ? round : round - options.warmupRuns;
    await options.beforeRound?.(round);
    for (let offset = 0; offset < subjects.length; offset++) {
      const subject = subjects[(round + offset) % subjects.length];
      const result = await subject.run();
      if (!warmup) results.get(subject.name)!.push(result);
      options.onRun?.({ subject: subject.name, run, warmup, result });
    }
  }
  return results;
}

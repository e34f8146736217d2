/** `blipbench sweep submit|show|list`: sweeps through the API. */
import { readFile } from 'node:fs/promises';

import { InvalidArgumentError, type Command } from 'commander';

import type { SweepDetails } from '../../dashboard/src/api-types.js';
import type { PlannedSweep } from '../../platform/services/sweeps.js';
import { ApiResponseError } from './api-client.js';
import { followSweep } from './follow-sweep.js';
import { formatSweep } from './format-sweep.js';
import { addClientOptions, clientFor, printJson, type ClientFlags } from './options.js';
import { formatTable, timestamp } from './table.js';

/** One row of GET /v1/sweeps. */
interface SweepListItem {
  id: string;
  name: string | null;
  kind: string;
  modelName: string;
  status: string;
  jobsTotal: number;
  createdAt: string;
  finishedAt: string | null;
}

interface SubmitFlags extends ClientFlags {
  detach: boolean;
  interval: number;
}

interface ListFlags extends ClientFlags {
  limit?: number;
  cursor?: string;
}

/** Thrown for a sweep file that cannot be read or is not a JSON object; the message names the file. */
export class SweepFileError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'SweepFileError';
  }
}

function integerIn(name: string, min: number, max: number) {
  return (value: string): number => {
    const parsed = Number(value);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max) throw new InvalidArgumentError(`${name} expects an integer from ${min} to ${max}, got "${value}"`);
    return parsed;
  };
}

function secondsToMs(value: string): number {
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds < 0.1 || seconds > 3600) throw new InvalidArgumentError(`--interval expects seconds from 0.1 to 3600, got "${value}"`);
  return Math.round(seconds * 1000);
}

function jsonKind(value: unknown): string {
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  return `a ${typeof value}`;
}

/** Reads the sweep request from a JSON file; the API validates its fields. */
export async function readSweepFile(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory, not a JSON file' : code === 'EACCES' ? 'permission denied' : (error as Error).message;
    throw new SweepFileError(`${file}: ${reason}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SweepFileError(`${file}: invalid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SweepFileError(`${file}: expected a JSON object with the sweep (model, images, and variants or grid), got ${jsonKind(parsed)}`);
  }
  return parsed as Record<string, unknown>;
}

function plannedText(planned: PlannedSweep): string {
  return [
    `Sweep ${planned.sweepId} queued: ${planned.jobsTotal} jobs (${planned.variants.length} variants × ${planned.images.length} images), ${planned.runs} runs + ${planned.warmupRuns} warm-up per job`,
    planned.enqueued ? '' : 'The queue did not take the jobs yet; the API enqueues them when Redis is back.',
    `Follow it with: blipbench sweep show ${planned.sweepId}`,
  ]
    .filter(Boolean)
    .join('\n');
}

async function submit(file: string, flags: SubmitFlags): Promise<void> {
  const request = await readSweepFile(file);
  const client = clientFor(flags);
  let planned: PlannedSweep;
  try {
    planned = await client.post<PlannedSweep>('/v1/sweeps', request);
  } catch (error) {
    // The API names the field ("body.runs: ..."), and the file name shows which file contains it.
    if (error instanceof ApiResponseError) throw new ApiResponseError(error.status, error.code, `${file}: ${error.message}`);
    throw error;
  }
  if (flags.detach) {
    if (flags.json) printJson(planned);
    else process.stdout.write(`${plannedText(planned)}\n`);
    return;
  }
  const stopFollowing = () => {
    process.stderr.write(`\nblipbench: stopped following; sweep ${planned.sweepId} goes on. Follow it again with: blipbench sweep show ${planned.sweepId}\n`);
    process.exit(130);
  };
  process.once('SIGINT', stopFollowing);
  let details: SweepDetails;
  try {
    details = await followSweep(client, planned.sweepId, { intervalMs: flags.interval });
  } finally {
    process.off('SIGINT', stopFollowing);
  }
  if (flags.json) printJson(details);
  else process.stdout.write(`${formatSweep(details)}\n`);
  if (details.status !== 'completed' || details.failures.length > 0) {
    process.stderr.write(`blipbench: sweep ${details.id} ended ${details.status} with ${details.failures.length} failed jobs\n`);
    process.exitCode = 1;
  }
}

async function show(id: string, flags: ClientFlags): Promise<void> {
  const details = await clientFor(flags).get<SweepDetails>(`/v1/sweeps/${encodeURIComponent(id)}`);
  if (flags.json) printJson(details);
  else process.stdout.write(`${formatSweep(details)}\n`);
}

async function list(flags: ListFlags): Promise<void> {
  const page = await clientFor(flags).get<{ items: SweepListItem[]; nextCursor: string | null }>('/v1/sweeps', { limit: flags.limit, cursor: flags.cursor });
  if (flags.json) {
    printJson(page);
    return;
  }
  if (page.items.length === 0) {
    process.stdout.write('No sweeps.\n');
    return;
  }
  const rows = page.items.map((sweep) => [sweep.id, sweep.name ?? '-', sweep.status, sweep.modelName, sweep.kind, String(sweep.jobsTotal), timestamp(sweep.createdAt), timestamp(sweep.finishedAt)]);
  const table = formatTable(
    [{ title: 'Sweep' }, { title: 'Name', maxWidth: 40 }, { title: 'Status' }, { title: 'Model' }, { title: 'Kind' }, { title: 'Jobs', align: 'right' }, { title: 'Created (UTC)' }, { title: 'Finished (UTC)' }],
    rows,
  );
  process.stdout.write(`${table}\n${page.nextCursor ? `More: blipbench sweep list --cursor ${page.nextCursor}\n` : ''}`);
}

export function registerSweepCommands(program: Command): void {
  const sweep = program.command('sweep').description('Submit, follow and list sweeps through the API');
  addClientOptions(
    sweep
      .command('submit')
      .description('Submit the sweep in FILE (the JSON body of POST /v1/sweeps) and follow it to the end')
      .argument('<file>', 'JSON file with model, images, and variants or grid')
      .option('--detach', 'print the sweep id and return without waiting', false)
      .option('--interval <seconds>', 'seconds between progress checks', secondsToMs, 1000),
  ).action((file: string, flags: SubmitFlags) => submit(file, flags));
  addClientOptions(sweep.command('show').description('Print a sweep: progress, one row per variant, failed jobs').argument('<id>', 'sweep id')).action((id: string, flags: ClientFlags) => show(id, flags));
  addClientOptions(
    sweep
      .command('list')
      .description('List sweeps, newest first')
      .option('--limit <n>', 'sweeps per page (1 to 500)', integerIn('--limit', 1, 500))
      .option('--cursor <id>', 'page after this sweep id, as printed after the table'),
  ).action((flags: ListFlags) => list(flags));
}

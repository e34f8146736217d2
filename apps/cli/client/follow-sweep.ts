/**
 * Follows a sweep until it finishes: a progress bar on a terminal, one line per change otherwise
 * (CI logs, pipes). Both go to stderr, so stdout keeps only the result.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { SingleBar } from 'cli-progress';

import type { SweepDetails } from '../../dashboard/src/api-types.js';
import type { ApiClient } from './api-client.js';
import { progressLine } from './format-sweep.js';

/** Statuses after which a sweep no longer changes. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'cancelled', 'failed']);

export interface FollowOptions {
  intervalMs: number;
  /** Output stream of the progress, default stderr; a TTY gets the bar. */
  stream?: NodeJS.WriteStream;
}

export async function followSweep(client: ApiClient, sweepId: string, options: FollowOptions): Promise<SweepDetails> {
  const stream = options.stream ?? process.stderr;
  const path = `/v1/sweeps/${encodeURIComponent(sweepId)}`;
  let details = await client.get<SweepDetails>(path);
  const bar = stream.isTTY ? new SingleBar({ stream, format: 'sweep {bar} {value}/{total} jobs | {status}', hideCursor: true, clearOnComplete: false }) : null;
  bar?.start(details.progress.total, 0, { status: details.status });
  let lastLine = '';
  try {
    for (;;) {
      const { progress } = details;
      const done = progress.completed + progress.failed + progress.cancelled;
      const line = `sweep ${sweepId}: ${details.status}, ${progressLine(details)}`;
      if (bar) bar.update(done, { status: `${details.status}${progress.failed > 0 ? `, ${progress.failed} failed` : ''}` });
      else if (line !== lastLine) stream.write(`${line}\n`);
      lastLine = line;
      if (FINAL_STATUSES.has(details.status)) return details;
      await sleep(options.intervalMs);
      details = await client.get<SweepDetails>(path);
    }
  } finally {
    if (bar) {
      bar.stop();
      // The bar leaves the cursor on its own line; what follows starts on the next one.
      stream.write('\n');
    }
  }
}

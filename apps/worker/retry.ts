/**
 * Retries a database write while Postgres is unreachable: exponential backoff from 200 ms to 30 s,
 * for at most `budgetMs`. Any other error, or the budget running out, is thrown to the caller.
 */
import { setTimeout as sleep } from 'node:timers/promises';

import { isDatabaseUnavailable } from '../platform/errors.js';

export interface RetryOptions {
  budgetMs: number;
  onRetry?: (attempt: number, delayMs: number, error: unknown) => void;
  /** Stops waiting early, e.g. on shutdown; the last error is thrown. */
  signal?: AbortSignal;
}

export async function retryWhileDatabaseUnavailable<T>(write: () => Promise<T>, options: RetryOptions): Promise<T> {
  const deadline = Date.now() + options.budgetMs;
  let delayMs = 200;
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await write();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || Date.now() + delayMs > deadline || options.signal?.aborted) throw error;
      options.onRetry?.(attempt, delayMs, error);
      await sleep(delayMs, undefined, { signal: options.signal }).catch(() => undefined);
      delayMs = Math.min(delayMs * 2, 30_000);
    }
  }
}

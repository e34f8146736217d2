/**
 * An exclusive lock file for work that one process per host should do while others wait: building a
 * variant, generating or downloading a model. The file records its owner's host and pid, so a lock
 * left by a process that died on this host is taken over at once. Any other lock is trusted until it
 * is older than its stale age.
 */
import { closeSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 250;

/** True while a process with this pid exists (EPERM means it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function isStale(lockFile: string, staleMs: number): boolean {
  try {
    const owner = JSON.parse(readFileSync(lockFile, 'utf8')) as { host?: string; pid?: number };
    if (owner.host === hostname() && typeof owner.pid === 'number' && !isProcessAlive(owner.pid)) return true;
    return Date.now() - statSync(lockFile).mtimeMs > staleMs;
  } catch {
    // The owner removed the lock between our checks, or is still writing it: not stale.
    return false;
  }
}

function tryLock(lockFile: string): boolean {
  try {
    const fd = openSync(lockFile, 'wx');
    writeSync(fd, JSON.stringify({ host: hostname(), pid: process.pid, since: new Date().toISOString() }));
    closeSync(fd);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

export interface BuildOnceOptions<T> {
  lockFile: string;
  /** A lock older than this is taken to belong to a process that died (on another host). */
  staleMs: number;
  /** Returns the finished result if it exists already, so that it is never built twice. */
  existing: () => T | undefined;
  /** Does the work while holding the lock; it must leave `existing()` defined when it succeeds. */
  build: () => Promise<T>;
}

/** Returns the existing result, or builds it under the lock. `reused` is true when it existed already. */
export async function buildOnce<T>(options: BuildOnceOptions<T>): Promise<{ value: T; reused: boolean }> {
  for (;;) {
    const found = options.existing();
    if (found !== undefined) return { value: found, reused: true };
    if (tryLock(options.lockFile)) break;
    if (isStale(options.lockFile, options.staleMs)) rmSync(options.lockFile, { force: true });
    else await sleep(POLL_MS);
  }
  try {
    // Another builder may have finished between our last look and taking the lock.
    const found = options.existing();
    if (found !== undefined) return { value: found, reused: true };
    return { value: await options.build(), reused: false };
  } finally {
    rmSync(options.lockFile, { force: true });
  }
}

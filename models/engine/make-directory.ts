/**
 * Creates a folder and its missing parents one level at a time. Node 20's recursive mkdirSync can
 * loop forever on paths it can never create (e.g. under /proc); creating each level on its own
 * fails at once with the system's error instead.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';

export function makeDirectory(path: string): void {
  const missing: string[] = [];
  for (let current = resolve(path); !existsSync(current); current = dirname(current)) {
    missing.unshift(current);
    if (dirname(current) === current) break;
  }
  for (const folder of missing) mkdirSync(folder);
}

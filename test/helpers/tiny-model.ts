/** A tiny preset model built once per test process into a temporary folder. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { buildPresetModel } from '../../models/sources/presets.js';

let built: Promise<string> | undefined;

/** The seed-0 tiny model, the one the reference fixtures were written from. */
export function tinyModelDir(): Promise<string> {
  built ??= (async () => {
    const root = mkdtempSync(join(tmpdir(), 'blipbench-tiny-'));
    // Removed when the test process exits: a test hook would run too early when the first caller is a nested hook.
    process.on('exit', () => rmSync(root, { recursive: true, force: true }));
    const dir = join(root, 'tiny');
    await buildPresetModel('tiny', dir, { seed: 0 });
    return dir;
  })();
  return built;
}

export const SHARED_IMAGES = join(import.meta.dirname, '..', '..', '..', 'shared', 'data', 'images');
export const REFERENCE_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'reference', 'tiny');

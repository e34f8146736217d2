/** The benchmark commands with bad input: one error line that names the option, exit code non-zero. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '..', '..');

async function failure(args: string[]): Promise<{ code: number; stderr: string }> {
  return run(process.execPath, args, { cwd: ROOT, timeout: 120_000 }).then(
    () => assert.fail(`${args.join(' ')} succeeded`),
    (error: { code: number; stderr: string }) => error,
  );
}

describe('benchmark commands with bad input', () => {
  it('bench hardware rejects a tiny GEMM size', async () => {
    const result = await failure([join(ROOT, 'apps', 'cli', 'bin', 'blipbench.js'), 'bench', 'hardware', '--gemm-shapes', '1024,8x64x64']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--gemm-shapes expects comma-separated sizes N or MxKxN with integers in \[64, 16384\], got "8x64x64"/);
  });

  it('bench:variants rejects an unknown variant label', async () => {
    const result = await failure(['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'variants.ts'), '--only', 'int3']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /^bench:variants: --only: unknown variant "int3"; choose from "fp32 baseline", "int8-dynamic"/);
  });

  it('bench:variants rejects a missing model directory', async () => {
    const result = await failure(['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'variants.ts'), '--model', '/nonexistent/model']);
    assert.equal(result.code, 1);
    assert.match(result.stderr, /--model \/nonexistent\/model: \/nonexistent\/model\/config\.json not found/);
  });

  it('bench:peer rejects zero runs', async () => {
    const result = await failure(['--import', 'tsx', join(ROOT, 'scripts', 'bench', 'peer.ts'), '--runs', '0']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /--runs expects a positive integer, got "0"/);
  });
});

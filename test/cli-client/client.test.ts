/**
 * `blipbench sweep|history|speedups` as a user runs them, against the real API with a real worker
 * on the tiny model: a grid sweep from a file followed to the end, then the speedups table.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import type { HistoryPage, SpeedupsReport, SweepDetails } from '../../apps/dashboard/src/api-types.js';
import { startTestApi, type TestApi } from '../api/helpers/api.js';
import { startLivePlatform, type LivePlatform } from '../dashboard/helpers/finished-sweep.js';

const BIN = join(import.meta.dirname, '..', '..', 'apps', 'cli', 'bin', 'blipbench.js');
const run = promisify(execFile);
const scratch = mkdtempSync(join(tmpdir(), 'blipbench-cli-client-'));
process.on('exit', () => rmSync(scratch, { recursive: true, force: true }));

/** quantization {none, int8-dynamic} × l1-unstructured {0.2, 0.5}, plus the baseline: 5 variants. */
const GRID = {
  name: 'cli grid',
  model: 'tiny',
  images: ['sample:camera.png'],
  grid: { quantization: ['none', 'int8-dynamic'], pruning: { method: ['l1-unstructured'], amount: [0.2, 0.5] } },
  runs: 3,
  warmupRuns: 1,
  forceNewTokens: 6,
};

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function blipbench(args: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { timeout: 120_000, env: { ...process.env, BLIPBENCH_API: '', BLIPBENCH_API_KEY: '', ...env } });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    return { code: failure.code, stdout: failure.stdout, stderr: failure.stderr };
  }
}

function writeJson(name: string, content: string): string {
  const file = join(scratch, name);
  writeFileSync(file, content);
  return file;
}

function assertOneErrorLine(result: Run, ...patterns: RegExp[]): void {
  assert.notEqual(result.code, 0, 'exit code');
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 1, `expected one error line, got:\n${result.stderr}`);
  for (const pattern of patterns) assert.match(lines[0], pattern);
}

/** Returns a loopback port with nothing listening on it: bound once, then released. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('blipbench API client', () => {
  let platform: LivePlatform;
  let api: string;
  let sweepId: string;

  before(async () => {
    platform = await startLivePlatform();
    api = platform.t.api.url;
  });
  after(async () => {
    await platform?.close();
  });

  test('sweep submit follows a grid sweep to the end', async () => {
    const file = writeJson('grid.json', JSON.stringify(GRID));
    const result = await blipbench(['sweep', 'submit', file, '--api', api, '--interval', '0.2']);
    assert.equal(result.code, 0, result.stderr);
    const first = /^Sweep ([0-9a-f-]{36}) \(cli grid\): completed, 5\/5 jobs done$/m.exec(result.stdout);
    assert.ok(first, `no completed header in:\n${result.stdout}`);
    sweepId = first[1];
    // Without a terminal, progress is one stderr line per change, ending with the finished sweep.
    const progress = result.stderr.trim().split('\n');
    assert.match(progress[progress.length - 1], new RegExp(`^sweep ${sweepId}: completed, 5/5 jobs done$`));
    for (const label of ['baseline', 'fp32 · l1-unstructured 20%', 'fp32 · l1-unstructured 50%', 'int8-dynamic · l1-unstructured 20%', 'int8-dynamic · l1-unstructured 50%']) {
      assert.match(result.stdout, new RegExp(`^${label} +1 `, 'm'), `no row for ${label}`);
    }

    const details = (await platform.t.request('GET', `/v1/sweeps/${sweepId}`)).body as SweepDetails;
    assert.equal(details.results.length, 5);
    assert.equal(details.failures.length, 0);
  });

  test('speedups prints one row per variant and host', async () => {
    assert.ok(sweepId, 'the submit test did not create the sweep');
    const table = await blipbench(['speedups', '--api', api, '--sweep', sweepId]);
    assert.equal(table.code, 0, table.stderr);
    const report = (await platform.t.request('GET', `/v1/speedups?sweep=${sweepId}`)).body as SpeedupsReport;
    assert.equal(report.overall.length, 4);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /^Variant +Hash +Host +Speedup +IQR +Range +Pairs +Results$/);
    for (const row of report.overall) {
      const line = lines.find((candidate) => candidate.includes(row.variantHash) && candidate.includes('all hosts'));
      assert.ok(line, `no overall row for ${row.variantHash}`);
      assert.match(line, new RegExp(` ${row.speedup!.median.toFixed(2)}x `));
    }
    assert.equal(lines.filter((line) => / all hosts /.test(line)).length, 4);
    assert.equal(lines.length, 2 + report.overall.length + report.perHost.length);

    const json = await blipbench(['speedups', '--api', api, '--sweep', sweepId, '--json']);
    assert.deepEqual(JSON.parse(json.stdout), report);
  });

  test('sweep show and list print the sweep', async () => {
    assert.ok(sweepId, 'the submit test did not create the sweep');
    const shown = await blipbench(['sweep', 'show', sweepId, '--api', api]);
    assert.equal(shown.code, 0, shown.stderr);
    assert.match(shown.stdout, /completed, 5\/5 jobs done/);
    const listed = await blipbench(['sweep', 'list', '--api', api]);
    assert.match(listed.stdout, new RegExp(`^${sweepId} +cli grid +completed +tiny +benchmark +5 `, 'm'));
    const json = await blipbench(['sweep', 'show', sweepId, '--api', api, '--json']);
    assert.equal((JSON.parse(json.stdout) as SweepDetails).id, sweepId);
  });

  test('history passes filters to the API', async () => {
    assert.ok(sweepId, 'the submit test did not create the sweep');
    const result = await blipbench(['history', '--api', api, '--sweep', sweepId, '--quantization', 'int8-dynamic', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const page = JSON.parse(result.stdout) as HistoryPage;
    assert.equal(page.items.length, 2);
    for (const item of page.items) assert.equal((item.variant.spec as { quantization: { method: string } }).quantization.method, 'int8-dynamic');
    const table = await blipbench(['history', '--api', api, '--sweep', sweepId, '--pruning', 'l1-unstructured', '--amount', '0.5']);
    assert.equal(table.stdout.trim().split('\n').length, 2 + 2);
  });

  test('submit --detach returns the planned sweep', async () => {
    const file = writeJson('single.json', JSON.stringify({ model: 'tiny', images: ['sample:chelsea.png'], runs: 1, warmupRuns: 0, forceNewTokens: 2 }));
    const result = await blipbench(['sweep', 'submit', file, '--api', api, '--detach', '--json']);
    assert.equal(result.code, 0, result.stderr);
    const planned = JSON.parse(result.stdout) as { sweepId: string; jobsTotal: number };
    assert.equal(planned.jobsTotal, 1);
    assert.equal(result.stderr, '');
  });

  test('API error prints its message with the file', async () => {
    const file = writeJson('bad-runs.json', JSON.stringify({ model: 'tiny', images: ['sample:chelsea.png'], runs: 0 }));
    assertOneErrorLine(await blipbench(['sweep', 'submit', file, '--api', api]), new RegExp(`^blipbench: ${file}: the API rejected POST /v1/sweeps with 400: body\\.runs: `));
    assertOneErrorLine(await blipbench(['sweep', 'show', '00000000-0000-4000-8000-000000000000', '--api', api]), /with 404: sweep "00000000-0000-4000-8000-000000000000" does not exist/);
    assertOneErrorLine(await blipbench(['history', '--api', api, '--amount', '0.3']), /with 400: amount: .*pruning/);
  });

  test('bad sweep files name the file and the problem', async () => {
    const cases: Array<[string, string | null, RegExp]> = [
      ['missing.json', null, /missing\.json: no such file/],
      ['truncated.json', '{"model": "tiny",', /truncated\.json: invalid JSON: /],
      ['array.json', '[{"model": "tiny"}]', /array\.json: expected a JSON object with the sweep .*got an array/],
    ];
    for (const [name, content, pattern] of cases) {
      const file = content === null ? join(scratch, name) : writeJson(name, content);
      assertOneErrorLine(await blipbench(['sweep', 'submit', file, '--api', api]), pattern);
    }
  });

  test('unreachable API says where it looked', async () => {
    const port = await closedPort();
    const result = await blipbench(['sweep', 'list', '--api', `http://127.0.0.1:${port}`]);
    assertOneErrorLine(result, new RegExp(`cannot reach the API at http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\)`), /npm start/);
    const fromEnv = await blipbench(['sweep', 'list'], { BLIPBENCH_API: `http://127.0.0.1:${port}` });
    assertOneErrorLine(fromEnv, new RegExp(`127\\.0\\.0\\.1:${port}`));
  });

  test('invalid --api URL is rejected', async () => {
    const result = await blipbench(['sweep', 'list', '--api', 'localhost:3000']);
    assert.notEqual(result.code, 0);
    assert.match(result.stderr, /expected an http or https URL, got "localhost:3000"/);
  });
});

describe('blipbench API client with an API key', () => {
  const key = 'client-test-key-0123456789';
  let t: TestApi;

  before(async () => {
    t = await startTestApi({ BLIPBENCH_API_KEY: key });
  });
  after(async () => {
    await t?.close();
  });

  test('key from BLIPBENCH_API_KEY is sent', async () => {
    const missing = await blipbench(['sweep', 'list', '--api', t.api.url]);
    assertOneErrorLine(missing, /with 401: API key required/, /set BLIPBENCH_API_KEY/);
    const listed = await blipbench(['sweep', 'list', '--api', t.api.url], { BLIPBENCH_API_KEY: key });
    assert.equal(listed.code, 0, listed.stderr);
    assert.equal(listed.stdout, 'No sweeps.\n');
  });
});

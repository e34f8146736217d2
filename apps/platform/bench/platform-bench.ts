/**
 * `npm run bench:platform`: the platform's scaling and its cost per job.
 *  - Scaling: a 20-image caption sweep is drained by 1, then by 2 worker processes with one
 *    onnxruntime thread each. The ratio of the drain times is the throughput gain.
 *  - Overhead: a 50-job caption sweep is drained by one worker, and the same 50 captions are made
 *    by calling the engine directly in this process. The difference per job is the time spent in
 *    the API, the queue, the database and the image hand-off.
 * Uses DATABASE_URL and REDIS_URL (a fresh database is created and dropped on that server) and a
 * queue prefix of its own. Prints one JSON document.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { Command } from 'commander';
import pg from 'pg';
import sharp from 'sharp';

import { loadCaptioner, parseVariant } from '../../../models/index.js';
import { loadConfig } from '../config/config.js';
import { openDatabase } from '../db/client.js';
import { applyMigrations } from '../db/migrations.js';
import { openQueues } from '../queue/queues.js';
import { deleteKeysWithPrefix, openRedis } from '../queue/redis.js';
import type { ServiceContext } from '../services/context.js';
import { listSamples, storeImage } from '../services/images.js';
import { registerBuiltinModels } from '../services/models.js';
import { sweepRequestSchema } from '../services/requests.js';
import { createSweep } from '../services/sweeps.js';
import { median } from '../stats/summary.js';

const program = new Command('bench-platform')
  .option('--model <name>', 'model of the scaling sweep', 'random-base')
  .option('--overhead-model <name>', 'model of the overhead sweep (small, so the platform share shows)', 'tiny')
  .option('--images <n>', 'images in the scaling sweep', '20')
  .option('--overhead-jobs <n>', 'jobs in the overhead sweep', '50')
  .option('--skip-scaling', 'measure the overhead only', false);
program.parse(process.argv);
const options = program.opts<{ model: string; overheadModel: string; images: string; overheadJobs: string; skipScaling: boolean }>();

/** Distinct images made from the sample photos: crops and mirror images at different offsets, as JPEG. */
async function makeImages(sampleDir: string, count: number): Promise<Array<{ name: string; bytes: Buffer }>> {
  const samples = listSamples(sampleDir).filter((name) => !name.startsWith('palette'));
  if (samples.length === 0) throw new Error(`no sample photos in ${sampleDir}; set BLIPBENCH_SAMPLE_IMAGES`);
  const images: Array<{ name: string; bytes: Buffer }> = [];
  for (let i = 0; i < count; i += 1) {
    const file = samples[i % samples.length];
    const source = sharp(readFileSync(join(sampleDir, file))).rotate();
    const { width = 300, height = 300 } = await source.metadata();
    const inset = 1 + Math.floor(i / samples.length);
    const region = { left: inset * 7, top: inset * 5, width: width - inset * 14, height: height - inset * 10 };
    let image = sharp(readFileSync(join(sampleDir, file))).extract(region);
    if (i % 2 === 1) image = image.flop();
    images.push({ name: `${file}-${i}.jpg`, bytes: await image.jpeg({ quality: 90 }).toBuffer() });
  }
  return images;
}

function spawnWorkers(count: number, env: NodeJS.ProcessEnv): ChildProcess[] {
  return Array.from({ length: count }, () =>
    spawn(process.execPath, ['--import', 'tsx', 'apps/worker/main.ts', '--threads', '1', '--concurrency', '1', '--queues', 'caption,sweeps'], { env, stdio: 'ignore' }),
  );
}

async function stopWorkers(workers: ChildProcess[]): Promise<void> {
  await Promise.all(workers.map(async (child) => (child.exitCode === null ? (child.kill('SIGTERM'), await once(child, 'exit')) : undefined)));
}

async function waitForLiveWorkers(ctx: ServiceContext, count: number): Promise<void> {
  while ((await ctx.prisma.worker.count({ where: { stoppedAt: null, lastSeenAt: { gte: new Date(Date.now() - 5000) } } })) < count) await sleep(100);
}

/** Creates a caption sweep and returns the wall time until its last job has its result. */
async function drain(ctx: ServiceContext, model: string, imageIds: string[]): Promise<{ ms: number; sweepId: string }> {
  const started = performance.now();
  const planned = await createSweep(ctx, sweepRequestSchema.parse({ model, kind: 'caption', images: imageIds, runs: 1, warmupRuns: 0 }));
  for (;;) {
    const sweep = await ctx.prisma.sweep.findUniqueOrThrow({ where: { id: planned.sweepId } });
    if (sweep.status === 'completed') return { ms: performance.now() - started, sweepId: planned.sweepId };
    await sleep(20);
  }
}

async function main(): Promise<void> {
  const base = loadConfig();
  if (!base.databaseUrl || !base.redisUrl) throw new Error('DATABASE_URL or REDIS_URL is not set; set both (the benchmark creates and drops its own database on that server)');
  const database = `blipbench_bench_${process.pid}`;
  const adminUrl = new URL(base.databaseUrl);
  adminUrl.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: adminUrl.toString() });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${database}`);
  const url = new URL(base.databaseUrl);
  url.pathname = `/${database}`;
  const prefix = `bbbench-${process.pid}`;
  const config = loadConfig({ ...process.env, DATABASE_URL: url.toString(), BLIPBENCH_QUEUE_PREFIX: prefix });
  const env = { ...process.env, DATABASE_URL: url.toString(), BLIPBENCH_QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' };
  await applyMigrations(url.toString());
  const db = openDatabase({ url: url.toString(), poolSize: 4 });
  const queues = openQueues(base.redisUrl, config);
  const ctx: ServiceContext = { prisma: db.prisma, queues, config };
  try {
    await registerBuiltinModels(db.prisma);
    const images = await makeImages(config.sampleImagesDir, Math.max(Number(options.images), Number(options.overheadJobs)));
    const stored = [];
    for (const image of images) stored.push((await storeImage(db.prisma, image.bytes, image.name)).image.id);
    const scalingIds = stored.slice(0, Number(options.images));

    const scaling: Record<string, number> = {};
    const loadBefore: Record<string, number> = {};
    for (const count of options.skipScaling ? [] : [1, 2]) {
      const workers = spawnWorkers(count, env);
      await waitForLiveWorkers(ctx, count);
      // Warm-up: every worker loads the model and its graphs before the timed sweep.
      await drain(ctx, options.model, scalingIds.slice(0, count * 2));
      // The 1-minute load average before the timed sweep shows how busy the host was with other work.
      loadBefore[`${count}`] = os.loadavg()[0];
      scaling[`${count}`] = (await drain(ctx, options.model, scalingIds)).ms;
      await stopWorkers(workers);
      await db.prisma.worker.updateMany({ where: { stoppedAt: null }, data: { stoppedAt: new Date() } });
    }

    const overheadIds = stored.slice(0, Number(options.overheadJobs));
    const workers = spawnWorkers(1, env);
    await waitForLiveWorkers(ctx, 1);
    await drain(ctx, options.overheadModel, overheadIds.slice(0, 2));
    const viaPlatform = await drain(ctx, options.overheadModel, overheadIds);
    await stopWorkers(workers);
    const results = await db.prisma.result.findMany({ where: { sweepId: viaPlatform.sweepId }, select: { engineMs: true, queuedToDoneMs: true } });

    const captioner = await loadCaptioner({ modelDir: join(config.modelStore, options.overheadModel), variant: parseVariant({ runtime: { threads: 1 } }) });
    const direct: number[] = [];
    const contents = await db.prisma.image.findMany({ where: { id: { in: overheadIds } }, select: { content: true } });
    await captioner.caption(Buffer.from(contents[0].content));
    for (const row of contents) {
      const started = performance.now();
      await captioner.caption(Buffer.from(row.content));
      direct.push(performance.now() - started);
    }
    await captioner.dispose();
    const directTotal = direct.reduce((sum, ms) => sum + ms, 0);

    console.log(
      JSON.stringify(
        {
          date: new Date().toISOString(),
          host: { cpu: os.cpus()[0]?.model, cores: os.availableParallelism(), loadAverageAtEnd: os.loadavg()[0] },
          scaling: { model: options.model, images: scalingIds.length, drainMs: scaling, loadAverageBefore: loadBefore, ratio: scaling['1'] / scaling['2'] },
          overhead: {
            model: options.overheadModel,
            jobs: overheadIds.length,
            sweepDrainMs: viaPlatform.ms,
            directEngineMs: directTotal,
            perJobMs: (viaPlatform.ms - directTotal) / overheadIds.length,
            medianEngineMsPerJob: median(results.map((result) => result.engineMs ?? 0)),
            medianDirectMsPerCaption: median(direct),
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await queues.close();
    const redis = openRedis(base.redisUrl);
    await deleteKeysWithPrefix(redis, prefix);
    redis.disconnect();
    await db.close();
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    await admin.end();
  }
}

await main();

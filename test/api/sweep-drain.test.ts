import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { readHostFingerprint } from '../../apps/platform/host/fingerprint.js';
import { createLogger } from '../../apps/platform/logger.js';
import { upsertHost } from '../../apps/platform/services/hosts.js';
import { startWorker, type RunningWorker } from '../../apps/worker/worker.js';
import { measureHardware } from '../../models/bench/index.js';
import { startTestApi, type TestApi } from './helpers/api.js';

async function waitForSweep(t: TestApi, sweepId: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.request('GET', `/v1/sweeps/${sweepId}`);
    if (response.body.status === 'completed') return response.body;
    if (Date.now() > deadline) assert.fail(`sweep ${sweepId} not completed after ${timeoutMs} ms: ${JSON.stringify(response.body.progress)}`);
    await sleep(100);
  }
}

function assertFiniteNumbers(record: Record<string, unknown>, label: string): void {
  for (const [key, value] of Object.entries(record)) {
    if (typeof value === 'number') assert.ok(Number.isFinite(value), `${label}.${key} is ${value}`);
  }
}

describe('sweep drained by a worker on the tiny model', () => {
  let t: TestApi;
  let worker: RunningWorker;
  let sweep: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- checked field by field below
  before(async () => {
    t = await startTestApi({ BLIPBENCH_HARDWARE_PEAKS: 'measure' });
    // Peaks from a quick real measurement, stored as a worker would: the worker then reuses them instead of measuring for 15 s.
    const host = await upsertHost(t.ctx.prisma, readHostFingerprint());
    const peaks = await measureHardware({ gemmShapes: [[256, 256, 256]], bandwidthBytes: 64 * 1024 ** 2, repetitions: 1 });
    await t.ctx.prisma.host.update({ where: { id: host.id }, data: { hardwarePeaks: peaks as unknown as object } });
    worker = await startWorker({ config: t.config, databaseUrl: t.db.url, redisUrl: t.redisUrl, logger: createLogger('test-worker', 'silent'), concurrency: 2, threads: 1, queues: ['benchmark', 'caption', 'sweeps'] });
    const created = await t.request('POST', '/v1/sweeps', {
      name: 'study',
      model: 'tiny',
      images: ['sample:chelsea.png', 'sample:camera.png'],
      variants: [
        { name: 'int8', quantization: { method: 'int8-dynamic' } },
        { name: 'pruned+int8', pruning: { method: 'l1-unstructured', amount: 0.3 }, quantization: { method: 'int8-dynamic' } },
      ],
      runs: 3,
      warmupRuns: 1,
      forceNewTokens: 8,
      references: { 'sample:chelsea.png': ['a cat lying on a blanket'] },
    });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    assert.equal(created.body.jobsTotal, 6);
    assert.equal(created.body.enqueued, true);
    sweep = await waitForSweep(t, created.body.sweepId, 90_000);
  });
  after(async () => {
    await worker?.stop();
    await t?.close();
  });

  test('every job has one result', () => {
    assert.deepEqual(sweep.progress, { total: 6, queued: 0, running: 0, completed: 6, failed: 0, cancelled: 0 });
    assert.equal(sweep.results.length, 6);
    assert.equal(new Set(sweep.results.map((result: { jobId: string }) => result.jobId)).size, 6);
  });

  test('results carry statistics without NaN', () => {
    for (const result of sweep.results) {
      assertFiniteNumbers(result, `result ${result.id}`);
      assert.equal(result.runTimesMs.length, 3);
      assert.equal(result.warmupTimesMs.length, 1);
      assert.equal(result.forcedNewTokens, 8);
      assert.equal(result.generatedTokens, 8);
      assert.ok(result.minMs <= result.medianMs, `min ${result.minMs} > median ${result.medianMs}`);
      assert.ok(result.medianMs <= result.maxMs, `median ${result.medianMs} > max ${result.maxMs}`);
      assert.ok(result.peakRssBytes > 0);
      assert.ok(result.bytesOnDisk > 0);
      assert.equal(typeof result.caption, 'string');
      assert.equal(result.threads, 1);
    }
  });

  test('benchmark results report efficiency against the host peaks', () => {
    for (const result of sweep.results) {
      assert.ok(result.efficiency, `result ${result.id} has no efficiency`);
      assert.ok(result.efficiency.visionEncoder.gflop > 0);
      assert.ok(result.efficiency.visionEncoder.fractionOfPeak > 0);
      assert.ok(result.efficiency.decoderStep.weightBytes > 0);
      assert.ok(Number.isFinite(result.efficiency.decoderStep.fractionOfBandwidth));
    }
  });

  test('baseline speedup is 1 and variants have one', () => {
    for (const result of sweep.results) {
      if (result.isBaseline) assert.equal(result.speedup, 1);
      else assert.ok(typeof result.speedup === 'number' && result.speedup > 0, `speedup ${result.speedup}`);
    }
    assert.equal(sweep.variants.length, 3);
    assert.equal(sweep.variants[0].isBaseline, true);
    assert.equal(sweep.variants[0].speedup.median, 1);
  });

  test('variants carry accuracy against the baseline', () => {
    for (const result of sweep.results) {
      if (result.isBaseline) {
        assert.equal(result.exactMatch, null);
        continue;
      }
      assert.equal(typeof result.exactMatch, 'boolean');
      assert.ok(result.tokenF1 >= 0, `tokenF1 ${result.tokenF1}`);
      assert.ok(result.tokenF1 <= 1, `tokenF1 ${result.tokenF1}`);
      assert.ok(result.top1Agreement >= 0, `top1Agreement ${result.top1Agreement}`);
      assert.ok(result.top1Agreement <= 1, `top1Agreement ${result.top1Agreement}`);
      assert.ok(result.meanKl >= 0);
    }
  });

  test('references score only their image', () => {
    for (const result of sweep.results) {
      if (result.image.name === 'chelsea.png') {
        assert.equal(typeof result.referenceBleu4, 'number');
        assert.equal(typeof result.referenceCider, 'number');
      } else {
        assert.equal(result.referenceBleu4, null);
      }
    }
  });

  test('history filters by variant fields', async () => {
    const int8 = await t.request('GET', '/v1/history?quantization=int8-dynamic');
    assert.equal(int8.status, 200);
    assert.equal(int8.body.items.length, 4);
    const pruned = await t.request('GET', '/v1/history?pruning=l1-unstructured&amount=0.3');
    assert.equal(pruned.body.items.length, 2);
    const dense = await t.request('GET', '/v1/history?pruning=none&quantization=none');
    assert.equal(dense.body.items.length, 2);
    const image = await t.request('GET', '/v1/history?image=camera.png&model=tiny');
    assert.equal(image.body.items.length, 3);
  });

  test('history pages through every result once', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { items: Array<{ id: string }>; nextCursor: string | null } } = await t.request('GET', `/v1/history?limit=4${cursor ? `&cursor=${cursor}` : ''}`);
      seen.push(...page.body.items.map((item) => item.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    assert.equal(seen.length, 6);
    assert.equal(new Set(seen).size, 6);
  });

  test('history time range excludes the future', async () => {
    const response = await t.request('GET', `/v1/history?from=${encodeURIComponent(new Date(Date.now() + 3600_000).toISOString())}`);
    assert.equal(response.body.items.length, 0);
  });

  test('speedups aggregate per variant and host', async () => {
    const response = await t.request('GET', '/v1/speedups?model=tiny');
    assert.equal(response.status, 200);
    assert.equal(response.body.perHost.length, 2);
    for (const row of response.body.perHost) {
      assert.equal(row.speedup.count, 2);
      assert.ok(row.speedup.min <= row.speedup.median, `min ${row.speedup.min} > median ${row.speedup.median}`);
      assert.ok(row.speedup.median <= row.speedup.max, `median ${row.speedup.median} > max ${row.speedup.max}`);
      assert.equal(typeof row.host.hostname, 'string');
    }
    assert.equal(response.body.overall.length, 2);
  });

  test('workers endpoint lists the live worker with its host', async () => {
    const response = await t.request('GET', '/v1/workers');
    const mine = response.body.items.find((item: { id: string }) => item.id === worker.workerId);
    assert.ok(mine, 'worker not listed');
    assert.equal(mine.threads, 1);
    assert.ok(mine.host.logicalCores >= 1);
    assert.ok(Array.isArray(mine.host.simdFlags));
  });

  test('single caption returns 200 with the result', async () => {
    const response = await t.request('POST', '/v1/captions', { model: 'tiny', image: 'sample:coffee.png', waitMs: 30_000 });
    assert.equal(response.status, 200, JSON.stringify(response.body));
    assert.equal(response.body.status, 'completed');
    assert.equal(typeof response.body.result.caption, 'string');
  });

  test('single caption without waiting returns 202', async () => {
    const response = await t.request('POST', '/v1/captions', { model: 'tiny', image: 'sample:coffee.png', waitMs: 0 });
    assert.equal(response.status, 202);
    const deadline = Date.now() + 30_000;
    let job;
    do {
      await sleep(50);
      job = await t.request('GET', response.body.poll);
    } while (job.body.status !== 'completed' && Date.now() < deadline);
    assert.equal(job.body.status, 'completed');
    assert.equal(typeof job.body.result.caption, 'string');
  });

  test('openapi, readiness and metrics respond', async () => {
    const openapi = await t.request('GET', '/v1/openapi.json');
    assert.equal(openapi.body.openapi, '3.0.3');
    assert.ok(openapi.body.paths['/v1/sweeps'].post);
    assert.equal(openapi.body.components.schemas.SweepRequest.type, 'object');
    const ready = await t.request('GET', '/readyz');
    assert.deepEqual(ready.body, { status: 'ready', checks: { postgres: 'ok', redis: 'ok' } });
    const metrics = await t.request('GET', '/metrics');
    assert.match(metrics.body, /blipbench_queue_jobs\{queue="benchmark",state="completed"\}/);
    assert.match(metrics.body, /blipbench_http_request_duration_seconds_count\{method="POST",route="\/v1\/sweeps",status="202"\} 1/);
  });
});

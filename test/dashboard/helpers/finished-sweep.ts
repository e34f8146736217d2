/**
 * A real API on a fresh test database with a real worker started in this process, and one
 * finished grid sweep on the tiny model.
 */
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';

import { createLogger } from '../../../apps/platform/logger.js';
import { startWorker, type RunningWorker } from '../../../apps/worker/worker.js';
import { startTestApi, type TestApi } from '../../api/helpers/api.js';

/** Quantization × pruning grid: 2 × (dense + 2 amounts) = 6 variants, the dense fp32 one being the baseline. */
export const GRID_SWEEP = Object.freeze({
  name: 'dashboard grid',
  model: 'tiny',
  images: ['sample:chelsea.png'],
  grid: {
    quantization: ['none', 'int8-dynamic'],
    pruning: { method: ['none', 'l1-unstructured'], amount: [0.3, 0.6] },
  },
  runs: 4,
  warmupRuns: 1,
  forceNewTokens: 8,
});

export interface LivePlatform {
  t: TestApi;
  /** Stops the worker, so that new sweeps stay queued until startWorker. */
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface FinishedSweep extends LivePlatform {
  sweepId: string;
}

/** Polls GET /v1/sweeps/:id until the sweep completes; fails the test after `timeoutMs`. */
export async function waitForSweep(t: TestApi, sweepId: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.request('GET', `/v1/sweeps/${sweepId}`);
    if (response.body.status === 'completed') return;
    if (Date.now() > deadline) assert.fail(`sweep ${sweepId} did not complete within ${timeoutMs} ms: ${JSON.stringify(response.body.progress)}`);
    await sleep(100);
  }
}

export async function startLivePlatform(overrides: Record<string, string> = {}): Promise<LivePlatform> {
  const t = await startTestApi(overrides);
  let worker: RunningWorker | null = null;
  const platform: LivePlatform = {
    t,
    async startWorker() {
      worker ??= await startWorker({ config: t.config, databaseUrl: t.db.url, redisUrl: t.redisUrl, logger: createLogger('test-worker', 'silent'), concurrency: 1, threads: 1, queues: ['benchmark', 'caption', 'sweeps'] });
    },
    async stopWorker() {
      const running = worker;
      worker = null;
      await running?.stop();
    },
    async close() {
      await platform.stopWorker();
      await t.close();
    },
  };
  try {
    await platform.startWorker();
  } catch (error) {
    await t.close();
    throw error;
  }
  return platform;
}

export async function startApiWithFinishedSweep(request: object = GRID_SWEEP, overrides: Record<string, string> = {}): Promise<FinishedSweep> {
  const platform = await startLivePlatform(overrides);
  try {
    const created = await platform.t.request('POST', '/v1/sweeps', request);
    assert.equal(created.status, 202, JSON.stringify(created.body));
    await waitForSweep(platform.t, created.body.sweepId, 120_000);
    return { ...platform, sweepId: created.body.sweepId };
  } catch (error) {
    await platform.close();
    throw error;
  }
}

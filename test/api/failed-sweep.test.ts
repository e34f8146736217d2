/** A sweep whose every job fails ends as "failed", not "completed". */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, test } from 'node:test';

import { createLogger } from '../../apps/platform/logger.js';
import { startWorker, type RunningWorker } from '../../apps/worker/worker.js';
import { startTestApi, type TestApi } from './helpers/api.js';

const emptyStore = join(tmpdir(), `blipbench-empty-store-${process.pid}`);

describe('sweep whose jobs all fail', () => {
  let t: TestApi;
  let worker: RunningWorker;
  before(async () => {
    // The hub is unreachable here and no local copy exists in this empty model store, so every job fails.
    t = await startTestApi({ BLIPBENCH_MODEL_STORE: emptyStore, BLIPBENCH_JOB_ATTEMPTS: '1' });
    worker = await startWorker({ config: t.config, databaseUrl: t.db.url, redisUrl: t.redisUrl, logger: createLogger('test-worker', 'silent'), concurrency: 1, threads: 1, queues: ['benchmark', 'caption', 'sweeps'] });
  });
  after(async () => {
    await worker?.stop();
    await t?.close();
    rmSync(emptyStore, { recursive: true, force: true });
  });

  test('ends with status failed and its failures listed', async () => {
    const created = await t.request('POST', '/v1/sweeps', { model: 'blip-image-captioning-base', images: ['sample:chelsea.png'], runs: 1, warmupRuns: 0 });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const deadline = Date.now() + 60_000;
    let sweep = (await t.request('GET', `/v1/sweeps/${created.body.sweepId}`)).body;
    while (!['completed', 'failed', 'cancelled'].includes(sweep.status)) {
      assert.ok(Date.now() < deadline, `sweep still ${sweep.status}: ${JSON.stringify(sweep.progress)}`);
      await sleep(200);
      sweep = (await t.request('GET', `/v1/sweeps/${created.body.sweepId}`)).body;
    }
    assert.equal(sweep.status, 'failed');
    assert.equal(sweep.progress.failed, sweep.progress.total);
    assert.equal(sweep.results.length, 0);
  });
});

import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { sweepRequestSchema } from '../../apps/platform/services/requests.js';
import { createSweep } from '../../apps/platform/services/sweeps.js';
import { createTestPlatform, type TestPlatform } from '../platform/helpers/context.js';
import { waitFor } from './helpers/wait.js';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.js';

let t: TestPlatform;
const workers: WorkerProcess[] = [];
before(async () => {
  t = await createTestPlatform();
});
after(async () => {
  for (const worker of workers) if (worker.child.exitCode === null) worker.child.kill('SIGKILL');
  await t.close();
});

test('job of a SIGKILLed worker runs elsewhere and writes one result', async () => {
  const first = await spawnWorker(t.env);
  workers.push(first);
  // Enough timed runs of the tiny model (about 30 ms each) that the kill lands mid-job.
  const planned = await createSweep(t.ctx, sweepRequestSchema.parse({ model: 'tiny', images: ['sample:rocket.jpg'], runs: 150, warmupRuns: 0, forceNewTokens: 10 }));
  const jobId = planned.jobs[0].jobId;
  await waitFor(async () => (await t.db.prisma.job.findUnique({ where: { id: jobId } }))?.status === 'running', 60_000, 'the job to start');
  await sleep(300);
  first.child.kill('SIGKILL');
  assert.equal(await first.exited(), null);

  const second = await spawnWorker(t.env);
  workers.push(second);
  const result = await waitFor(() => t.db.prisma.result.findUnique({ where: { jobId } }), 120_000, 'the result from the second worker');
  assert.equal(await t.db.prisma.result.count({ where: { jobId } }), 1);
  assert.equal(result.workerId, second.workerId());
  assert.notEqual(result.workerId, first.workerId());
  const job = await t.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
  assert.equal(job.status, 'completed');
  assert.equal(job.attempts, 2);
  await waitFor(async () => (await t.db.prisma.sweep.findUnique({ where: { id: planned.sweepId } }))?.status === 'completed', 10_000, 'the sweep to complete');
  second.child.kill('SIGTERM');
  assert.equal(await second.exited(), 0);
});

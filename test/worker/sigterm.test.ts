import assert from 'node:assert/strict';
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

test('SIGTERM hands a long benchmark back to the queue', async () => {
  const first = await spawnWorker(t.env);
  workers.push(first);
  const planned = await createSweep(t.ctx, sweepRequestSchema.parse({ model: 'tiny', images: ['sample:astronaut.png'], runs: 1000, warmupRuns: 0, forceNewTokens: 10 }));
  const jobId = planned.jobs[0].jobId;
  await waitFor(async () => (await t.db.prisma.job.findUnique({ where: { id: jobId } }))?.status === 'running', 60_000, 'the job to start');

  const stoppedAt = Date.now();
  first.child.kill('SIGTERM');
  assert.equal(await first.exited(), 0);
  assert.ok(Date.now() - stoppedAt < 10_000, 'worker took more than 10 s to stop');
  await first.waitForLog(/^job handed back on shutdown$/, 1000);

  const job = await t.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
  assert.equal(job.status, 'queued');
  assert.equal(job.lastError, 'handed back on shutdown');
  assert.equal(await t.queues.benchmark.getJobState(jobId), 'waiting');
  assert.equal(await t.db.prisma.result.count({ where: { jobId } }), 0);
});

import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { createLogger } from '../../apps/platform/logger.js';
import { reconcile } from '../../apps/platform/services/reconciler.js';
import { sweepRequestSchema } from '../../apps/platform/services/requests.js';
import { createSweep } from '../../apps/platform/services/sweeps.js';
import { startWorker, type RunningWorker } from '../../apps/worker/worker.js';
import { createTestPlatform, type TestPlatform } from '../platform/helpers/context.js';
import { waitFor } from './helpers/wait.js';

let t: TestPlatform;
let worker: RunningWorker | undefined;
before(async () => {
  t = await createTestPlatform();
});
after(async () => {
  await worker?.stop();
  await t.close();
});

test('reconciler re-enqueues what Redis lost mid-sweep', async () => {
  const planned = await createSweep(
    t.ctx,
    sweepRequestSchema.parse({ model: 'tiny', kind: 'caption', images: ['sample:chelsea.png', 'sample:coffee.png', 'sample:rocket.jpg', 'sample:astronaut.png', 'sample:camera.png'], runs: 15, forceNewTokens: 10 }),
  );
  assert.equal(planned.jobsTotal, 5);
  worker = await startWorker({ config: t.config, databaseUrl: t.db.url, redisUrl: t.redisUrl, logger: createLogger('test-worker', 'silent'), concurrency: 1, threads: 1, queues: ['caption', 'sweeps'] });
  await waitFor(async () => (await t.db.prisma.result.count({ where: { sweepId: planned.sweepId } })) >= 1, 60_000, 'a first result');

  // Redis loses every key of this platform, as after a restart without persistence.
  assert.ok((await t.flushQueueKeys()) > 0);
  assert.equal(await t.queues.caption.getJob(planned.jobs[4].jobId), undefined);

  const report = await reconcile(t.ctx);
  assert.ok(report.requeued >= 1, `requeued ${report.requeued}`);
  assert.ok(report.requeued <= 4, `requeued ${report.requeued}`);
  assert.equal(report.checked, report.requeued);

  await waitFor(async () => (await t.db.prisma.sweep.findUnique({ where: { id: planned.sweepId } }))?.status === 'completed', 60_000, 'the sweep to complete');
  assert.equal(await t.db.prisma.result.count({ where: { sweepId: planned.sweepId } }), 5);
  const perJob = await t.db.prisma.result.groupBy({ by: ['jobId'], where: { sweepId: planned.sweepId }, _count: { _all: true } });
  assert.ok(perJob.every((group) => group._count._all === 1));

  const again = await reconcile(t.ctx);
  assert.deepEqual(again, { checked: 0, requeued: 0, markedFailed: 0, sweepsClosed: 0 });
});

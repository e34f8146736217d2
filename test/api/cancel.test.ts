import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { startTestApi, type TestApi } from './helpers/api.js';

let t: TestApi;
before(async () => {
  t = await startTestApi();
});
after(async () => {
  await t.close();
});

test('cancel removes jobs that have not started', async () => {
  const created = await t.request('POST', '/v1/sweeps', { model: 'tiny', images: ['sample:chelsea.png', 'sample:coffee.png'], variants: [{ quantization: { method: 'int8-dynamic' } }] });
  assert.equal(created.status, 202);
  assert.equal(await t.queues.benchmark.getJobCountByTypes('waiting'), 4);

  const cancelled = await t.request('DELETE', `/v1/sweeps/${created.body.sweepId}`);
  assert.equal(cancelled.status, 200);
  assert.equal(cancelled.body.cancelled, 4);
  assert.equal(cancelled.body.queueRemovalsFailed, 0);
  assert.equal(await t.queues.benchmark.getJobCountByTypes('waiting'), 0);

  const sweep = await t.request('GET', `/v1/sweeps/${created.body.sweepId}`);
  assert.equal(sweep.body.status, 'cancelled');
  assert.equal(sweep.body.progress.cancelled, 4);
  const listed = await t.request('GET', '/v1/sweeps');
  assert.equal(listed.body.items[0].id, created.body.sweepId);
});

test('cancel of an unknown sweep is a 404', async () => {
  const response = await t.request('DELETE', '/v1/sweeps/00000000-0000-4000-8000-000000000000');
  assert.equal(response.status, 404);
  assert.match(response.body.error.message, /does not exist/);
});

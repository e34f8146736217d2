import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';

import { claimJob, completeJob, JobRowCache, recordFailure } from '../../apps/platform/services/job-lifecycle.js';
import { sweepRequestSchema } from '../../apps/platform/services/requests.js';
import { createSweep } from '../../apps/platform/services/sweeps.js';
import { createTestPlatform, type TestPlatform } from './helpers/context.js';

let t: TestPlatform;
let hostId: string;
before(async () => {
  t = await createTestPlatform();
  const host = await t.db.prisma.host.create({
    data: { fingerprintHash: 'test-host', hostname: 'h', cpuModel: 'cpu', logicalCores: 2, simdFlags: [], platform: 'linux', arch: 'x64', totalMemoryBytes: 1n, onnxruntimeVersion: '1', nodeVersion: '20', projectVersion: '0' },
  });
  hostId = host.id;
});
after(async () => {
  await t.close();
});

function resultFor(job: { id: string; sweepId: string | null; modelName: string; variantId: string; imageId: string }) {
  return {
    jobId: job.id, sweepId: job.sweepId, kind: 'caption', modelName: job.modelName, variantId: job.variantId, imageId: job.imageId, hostId, isBaseline: true, attempt: 1, threads: 1,
    caption: '', tokenIds: [1000], generatedTokens: 0, runs: 1, warmupRuns: 0, runTimesMs: [5], warmupTimesMs: [], runStagesMs: [],
    meanMs: 5, medianMs: 5, p90Ms: 5, p99Ms: 5, minMs: 5, maxMs: 5, stdMs: 0, preprocessMs: 1, visionEncoderMs: 1, decoderMs: 0, decoderPerTokenMs: 0,
    tokensPerSecond: 0, peakRssBytes: 1n, bytesOnDisk: 1n, otherCpuLoad: 0,
  };
}

test('job is claimed, completed once and closes its sweep', async () => {
  const planned = await createSweep(t.ctx, sweepRequestSchema.parse({ model: 'tiny', kind: 'caption', images: ['sample:chelsea.png', 'sample:coffee.png'] }));
  const rows = new JobRowCache(t.db.prisma);
  const [first, second] = planned.jobs;

  const claimed = await claimJob(t.db.prisma, rows, first.jobId, hostId);
  assert.ok(claimed);
  assert.equal(claimed.variant.variantHash, first.variantHash);
  assert.equal(claimed.sweep?.id, planned.sweepId);
  assert.equal((await t.db.prisma.sweep.findUniqueOrThrow({ where: { id: planned.sweepId } })).status, 'running');

  assert.equal(await completeJob(t.db.prisma, resultFor(claimed)), true);
  assert.equal(await completeJob(t.db.prisma, { ...resultFor(claimed), attempt: 2 }), false);
  assert.equal(await t.db.prisma.result.count({ where: { jobId: first.jobId } }), 1);
  assert.equal(await claimJob(t.db.prisma, rows, first.jobId, hostId), null);
  assert.equal((await t.db.prisma.sweep.findUniqueOrThrow({ where: { id: planned.sweepId } })).status, 'running');

  const last = await claimJob(t.db.prisma, rows, second.jobId, hostId);
  assert.ok(last);
  await completeJob(t.db.prisma, resultFor(last));
  assert.equal((await t.db.prisma.sweep.findUniqueOrThrow({ where: { id: planned.sweepId } })).status, 'completed');
});

test('claim completes a job whose result already exists', async () => {
  const planned = await createSweep(t.ctx, sweepRequestSchema.parse({ model: 'tiny', kind: 'caption', images: ['sample:rocket.jpg'] }));
  const rows = new JobRowCache(t.db.prisma);
  const claimed = await claimJob(t.db.prisma, rows, planned.jobs[0].jobId, hostId);
  assert.ok(claimed);
  await t.db.prisma.result.create({ data: resultFor(claimed) });
  assert.equal(await claimJob(t.db.prisma, rows, claimed.id, hostId), null);
  assert.equal((await t.db.prisma.job.findUniqueOrThrow({ where: { id: claimed.id } })).status, 'completed');
});

test('failures requeue until final', async () => {
  const planned = await createSweep(t.ctx, sweepRequestSchema.parse({ model: 'tiny', kind: 'caption', images: ['sample:camera.png'] }));
  const jobId = planned.jobs[0].jobId;
  await claimJob(t.db.prisma, new JobRowCache(t.db.prisma), jobId, hostId);
  await recordFailure(t.db.prisma, jobId, 'worker lost', false);
  assert.equal((await t.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } })).status, 'queued');
  await recordFailure(t.db.prisma, jobId, 'image unreadable', true);
  const job = await t.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
  assert.equal(job.status, 'failed');
  assert.equal(job.lastError, 'image unreadable');
  // Its only job failed, so the sweep ends failed.
  assert.equal((await t.db.prisma.sweep.findUniqueOrThrow({ where: { id: planned.sweepId } })).status, 'failed');
});

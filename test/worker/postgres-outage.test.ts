import assert from 'node:assert/strict';
import { createServer, Socket, type Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, test } from 'node:test';

import { sweepRequestSchema } from '../../apps/platform/services/requests.js';
import { createSweep } from '../../apps/platform/services/sweeps.js';
import { createTestPlatform, type TestPlatform } from '../platform/helpers/context.js';
import { waitFor } from './helpers/wait.js';
import { spawnWorker, type WorkerProcess } from './helpers/worker-process.js';

/** A TCP proxy on loopback to the test Postgres that can be cut (connections reset, new ones refused) and restored on the same port. */
class CuttableProxy {
  private server: Server | undefined;
  private readonly sockets = new Set<Socket>();
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.server = createServer((client) => {
      const upstream = new Socket();
      upstream.connect(this.target.port, this.target.host);
      for (const socket of [client, upstream]) {
        this.sockets.add(socket);
        socket.on('close', () => this.sockets.delete(socket));
        socket.on('error', () => socket.destroy());
      }
      client.pipe(upstream).pipe(client);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    const address = this.server.address();
    if (typeof address === 'object' && address) this.port = address.port;
  }

  async cut(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server?.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }
}

let t: TestPlatform;
let proxy: CuttableProxy;
let worker: WorkerProcess | undefined;
before(async () => {
  t = await createTestPlatform();
  const url = new URL(t.db.url);
  proxy = new CuttableProxy({ host: url.hostname, port: Number(url.port || 5432) });
  await proxy.open();
});
after(async () => {
  if (worker?.child.exitCode === null) worker.child.kill('SIGKILL');
  await proxy.cut();
  await t.close();
});

test('result written after Postgres comes back', async () => {
  const proxied = new URL(t.db.url);
  proxied.port = String(proxy.port);
  worker = await spawnWorker({ ...t.env, DATABASE_URL: proxied.toString() });
  const planned = await createSweep(t.ctx, sweepRequestSchema.parse({ model: 'tiny', images: ['sample:coffee.png'], runs: 100, warmupRuns: 0, forceNewTokens: 10 }));
  const jobId = planned.jobs[0].jobId;
  // The build record is the last database step before the timed runs start.
  await waitFor(async () => (await t.db.prisma.variantBuild.count()) > 0, 60_000, 'the timed runs to start');

  await proxy.cut();
  // The timed runs end while Postgres is unreachable, so the worker must keep the result and retry.
  await worker.waitForLog(/^result write failed: Postgres unavailable, retrying$/, 60_000);
  await sleep(1000);
  assert.equal(await t.db.prisma.result.count({ where: { jobId } }), 0);
  await proxy.open();

  await waitFor(() => t.db.prisma.result.findUnique({ where: { jobId } }), 60_000, 'the result after Postgres is back');
  assert.equal(await t.db.prisma.result.count({ where: { jobId } }), 1);
  const job = await t.db.prisma.job.findUniqueOrThrow({ where: { id: jobId } });
  assert.equal(job.status, 'completed');
  assert.equal(job.attempts, 1);
  worker.child.kill('SIGTERM');
  assert.equal(await worker.exited(), 0);
});

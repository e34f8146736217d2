/** Hosts and worker processes: who ran what, and who is alive now. */
import { fingerprintHash, type HostFingerprint } from '../host/fingerprint.js';
import type { PrismaClient } from '../db/client.js';

/** Returns the host row of this fingerprint, creating it on first sight. */
export async function upsertHost(prisma: PrismaClient, fingerprint: HostFingerprint): Promise<{ id: string }> {
  const hash = fingerprintHash(fingerprint);
  const data = { ...fingerprint, totalMemoryBytes: BigInt(fingerprint.totalMemoryBytes) };
  return prisma.host.upsert({ where: { fingerprintHash: hash }, create: { ...data, fingerprintHash: hash }, update: { lastSeenAt: new Date() }, select: { id: true } });
}

export interface WorkerRegistration {
  id: string;
  hostId: string;
  pid: number;
  concurrency: number;
  threads: number;
  queues: string[];
}

export async function registerWorker(prisma: PrismaClient, worker: WorkerRegistration): Promise<void> {
  await prisma.worker.create({ data: worker });
}

export async function heartbeat(prisma: PrismaClient, workerId: string): Promise<void> {
  await prisma.worker.update({ where: { id: workerId }, data: { lastSeenAt: new Date() } });
}

export async function markWorkerStopped(prisma: PrismaClient, workerId: string): Promise<void> {
  await prisma.worker.update({ where: { id: workerId }, data: { stoppedAt: new Date(), lastSeenAt: new Date() } });
}

/** Workers whose last heartbeat is within three heartbeat intervals and that have not stopped, with their hosts. */
export async function liveWorkers(prisma: PrismaClient, heartbeatMs: number) {
  const since = new Date(Date.now() - 3 * heartbeatMs);
  const workers = await prisma.worker.findMany({ where: { stoppedAt: null, lastSeenAt: { gte: since } }, include: { host: true }, orderBy: { startedAt: 'asc' } });
  return workers.map(({ host, ...worker }) => ({ ...worker, host: { ...host, totalMemoryBytes: Number(host.totalMemoryBytes) } }));
}

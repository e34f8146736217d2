/**
 * The host's measured limits (GEMM peaks, memory bandwidth) that benchmark results report their
 * efficiency against. Measured once per host and onnxruntime version: the first worker measures
 * under a lock file while others on the host wait, the result is cached in the model store and
 * stored with the host's row.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

import { measureHardware, type GemmShape, type HardwarePeaks } from '../../models/bench/index.js';
import { buildOnce } from '../../models/engine/host-lock.js';
import { onnxruntimeVersion } from '../../models/index.js';
import type { Prisma, PrismaClient } from '../platform/db/client.js';

/** Two shapes of the model's own GEMMs and a 512 MiB bandwidth test keep the measurement near 15 s. */
const WORKER_HARDWARE_OPTIONS = {
  gemmShapes: [[577, 768, 3072], [1024, 1024, 1024]] as GemmShape[],
  bandwidthBytes: 512 * 1024 ** 2,
  repetitions: 3,
};
const STALE_LOCK_MS = 10 * 60 * 1000;

function readCached(file: string): HardwarePeaks | undefined {
  if (!existsSync(file)) return undefined;
  const peaks = JSON.parse(readFileSync(file, 'utf8')) as HardwarePeaks;
  return peaks.onnxruntimeVersion === onnxruntimeVersion() ? peaks : undefined;
}

/** Returns this host's peaks, measuring them first when neither the host row nor the cache has them. */
export async function ensureHardwarePeaks(prisma: PrismaClient, hostId: string, fingerprintHash: string, modelStore: string, onMeasure: () => void): Promise<HardwarePeaks> {
  const row = await prisma.host.findUnique({ where: { id: hostId }, select: { hardwarePeaks: true } });
  const stored = row?.hardwarePeaks as unknown as HardwarePeaks | null;
  if (stored && stored.onnxruntimeVersion === onnxruntimeVersion()) return stored;

  const folder = join(modelStore, '.hardware');
  mkdirSync(folder, { recursive: true });
  const file = join(folder, `${fingerprintHash}.json`);
  const { value: peaks } = await buildOnce({
    lockFile: `${file}.lock`,
    staleMs: STALE_LOCK_MS,
    existing: () => readCached(file),
    build: async () => {
      onMeasure();
      const measured = await measureHardware(WORKER_HARDWARE_OPTIONS);
      writeFileSync(file, `${JSON.stringify(measured, null, 2)}\n`);
      return measured;
    },
  });
  await prisma.host.update({ where: { id: hostId }, data: { hardwarePeaks: peaks as unknown as Prisma.InputJsonValue } });
  return peaks;
}

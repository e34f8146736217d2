/** Results as the API returns them: plain JSON (byte counts as numbers) with the speedup attached. */
import type { Prisma, PrismaClient } from '../db/client.js';
import { computeSpeedups } from './speedups.js';

export const RESULT_INCLUDE = {
  variant: { select: { variantHash: true, name: true, spec: true } },
  host: { select: { id: true, hostname: true, cpuModel: true, logicalCores: true, simdFlags: true } },
  image: { select: { id: true, name: true } },
} as const;

export type ResultRow = Prisma.ResultGetPayload<{ include: typeof RESULT_INCLUDE }>;

export function resultView(row: ResultRow, speedup: number | null) {
  const { variantId: _variantId, imageId: _imageId, hostId: _hostId, peakRssBytes, bytesOnDisk, ...rest } = row;
  return { ...rest, peakRssBytes: Number(peakRssBytes), bytesOnDisk: Number(bytesOnDisk), speedup };
}

export type ResultView = ReturnType<typeof resultView>;

export async function resultViews(prisma: PrismaClient, rows: ResultRow[]): Promise<ResultView[]> {
  const speedups = await computeSpeedups(prisma, rows);
  return rows.map((row) => resultView(row, speedups.get(row.id) ?? null));
}

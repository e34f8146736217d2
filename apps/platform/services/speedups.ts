/**
 * Speedup of a result: the median time of the baseline on the same host and image (same model,
 * kind and forced token count) divided by the result's median time. The baseline of the same
 * sweep is preferred; otherwise every matching baseline result in history counts.
 */
import type { PrismaClient } from '../db/client.js';
import { median, percentile, safeRatio } from '../stats/summary.js';

export interface SpeedupSubject {
  id: string;
  sweepId: string | null;
  kind: string;
  modelName: string;
  hostId: string;
  imageId: string;
  variantId: string;
  forcedNewTokens: number | null;
  medianMs: number;
}

function groupKey(row: Pick<SpeedupSubject, 'kind' | 'modelName' | 'hostId' | 'imageId' | 'variantId' | 'forcedNewTokens'>): string {
  return [row.kind, row.modelName, row.hostId, row.imageId, row.variantId, row.forcedNewTokens ?? 'free'].join('|');
}

/** Returns, per result id, its speedup against its sweep's baseline, or null when no baseline result matches. */
export async function computeSpeedups(prisma: PrismaClient, results: readonly SpeedupSubject[]): Promise<Map<string, number | null>> {
  const speedups = new Map<string, number | null>();
  const sweepIds = [...new Set(results.map((row) => row.sweepId).filter((id): id is string => id !== null))];
  if (sweepIds.length === 0) {
    for (const row of results) speedups.set(row.id, null);
    return speedups;
  }
  const sweeps = await prisma.sweep.findMany({ where: { id: { in: sweepIds } }, select: { id: true, baselineVariantId: true } });
  const baselineOf = new Map(sweeps.map((sweep) => [sweep.id, sweep.baselineVariantId]));
  const candidates = await prisma.result.findMany({
    where: {
      variantId: { in: [...new Set(baselineOf.values())] },
      hostId: { in: [...new Set(results.map((row) => row.hostId))] },
      imageId: { in: [...new Set(results.map((row) => row.imageId))] },
    },
    select: { sweepId: true, kind: true, modelName: true, hostId: true, imageId: true, variantId: true, forcedNewTokens: true, medianMs: true },
  });
  const byKey = new Map<string, typeof candidates>();
  for (const candidate of candidates) {
    const key = groupKey(candidate);
    byKey.set(key, [...(byKey.get(key) ?? []), candidate]);
  }
  for (const row of results) {
    const baselineVariantId = row.sweepId ? baselineOf.get(row.sweepId) : undefined;
    const matches = baselineVariantId ? (byKey.get(groupKey({ ...row, variantId: baselineVariantId })) ?? []) : [];
    const sameSweep = matches.filter((match) => match.sweepId === row.sweepId);
    const chosen = sameSweep.length > 0 ? sameSweep : matches;
    speedups.set(row.id, chosen.length > 0 ? safeRatio(median(chosen.map((match) => match.medianMs)), row.medianMs) : null);
  }
  return speedups;
}

export interface SpeedupSpread {
  count: number;
  median: number;
  p25: number;
  p75: number;
  min: number;
  max: number;
}

/** Median and spread of the speedups that are not null; null when there are none. */
export function spreadOf(values: ReadonlyArray<number | null>): SpeedupSpread | null {
  const known = values.filter((value): value is number => value !== null).sort((a, b) => a - b);
  if (known.length === 0) return null;
  return { count: known.length, median: percentile(known, 50), p25: percentile(known, 25), p75: percentile(known, 75), min: known[0], max: known[known.length - 1] };
}

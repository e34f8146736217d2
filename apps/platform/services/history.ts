/** Queries over every result ever written: filtered, paginated history and speedup aggregates. */
import type { Prisma, PrismaClient } from '../db/client.js';
import { HttpError } from '../errors.js';
import type { HistoryQuery, SpeedupsQuery } from './requests.js';
import { RESULT_INCLUDE, resultViews, type ResultView } from './results.js';
import { spreadOf, type SpeedupSpread } from './speedups.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Translates the query's filters into a Prisma where clause; variant fields filter the stored spec JSON. */
export function historyWhere(query: SpeedupsQuery & { kind?: string }): Prisma.ResultWhereInput {
  const where: Prisma.ResultWhereInput = {};
  const variant: Prisma.VariantWhereInput[] = [];
  if (query.model) where.modelName = query.model;
  if (query.kind) where.kind = query.kind;
  if (query.sweep) where.sweepId = query.sweep;
  if (query.variant) variant.push({ variantHash: query.variant });
  if (query.quantization) variant.push({ spec: { path: ['quantization', 'method'], equals: query.quantization } });
  if (query.decoding) variant.push({ spec: { path: ['decoding', 'strategy'], equals: query.decoding } });
  if (query.amount !== undefined && !query.pruning) {
    throw new HttpError(400, 'invalid_query', 'amount: filtering by pruning amount needs pruning=<method> too');
  }
  if (query.pruning === 'none') variant.push({ spec: { path: ['pruning'], equals: [] } });
  else if (query.pruning) {
    const step = query.amount === undefined ? { method: query.pruning } : { method: query.pruning, amount: query.amount };
    variant.push({ spec: { path: ['pruning'], array_contains: [step] } });
  }
  if (variant.length > 0) where.variant = { AND: variant };
  if (query.host) where.host = UUID.test(query.host) ? { id: query.host } : { hostname: query.host };
  if (query.image) where.image = { OR: [{ id: query.image }, { sha256: query.image }, { name: query.image }] };
  if (query.from || query.to) where.createdAt = { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) };
  return where;
}

export async function queryHistory(prisma: PrismaClient, query: HistoryQuery): Promise<{ items: ResultView[]; nextCursor: string | null }> {
  const rows = await prisma.result.findMany({
    where: historyWhere(query),
    include: RESULT_INCLUDE,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
    ...(query.cursor ? { cursor: { id: query.cursor }, skip: 1 } : {}),
  });
  const page = rows.slice(0, query.limit);
  return { items: await resultViews(prisma, page), nextCursor: rows.length > query.limit ? page[page.length - 1].id : null };
}

export interface SpeedupRow {
  variantHash: string;
  name: string | null;
  spec: unknown;
  host: { id: string; hostname: string; cpuModel: string } | null;
  speedup: SpeedupSpread | null;
  /** Results of the variant in the group, with or without a matching baseline. */
  results: number;
}

/**
 * Aggregates benchmark speedups per variant and host, and per variant over all hosts (host null).
 * NOTE: reads every matching result into memory; filter by model or time range on large histories.
 */
export async function speedupsReport(prisma: PrismaClient, query: SpeedupsQuery): Promise<{ perHost: SpeedupRow[]; overall: SpeedupRow[] }> {
  const rows = await prisma.result.findMany({ where: { ...historyWhere({ ...query, kind: 'benchmark' }), isBaseline: false }, include: RESULT_INCLUDE, orderBy: { createdAt: 'asc' } });
  const views = await resultViews(prisma, rows);
  const perHost = new Map<string, ResultView[]>();
  const overall = new Map<string, ResultView[]>();
  for (const view of views) {
    const hostKey = `${view.variant.variantHash}|${view.host.id}`;
    perHost.set(hostKey, [...(perHost.get(hostKey) ?? []), view]);
    overall.set(view.variant.variantHash, [...(overall.get(view.variant.variantHash) ?? []), view]);
  }
  const row = (group: ResultView[], withHost: boolean): SpeedupRow => ({
    variantHash: group[0].variant.variantHash,
    name: group[0].variant.name,
    spec: group[0].variant.spec,
    host: withHost ? { id: group[0].host.id, hostname: group[0].host.hostname, cpuModel: group[0].host.cpuModel } : null,
    speedup: spreadOf(group.map((view) => view.speedup)),
    results: group.length,
  });
  return { perHost: [...perHost.values()].map((group) => row(group, true)), overall: [...overall.values()].map((group) => row(group, false)) };
}

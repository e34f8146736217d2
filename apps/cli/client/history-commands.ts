/** `blipbench history` and `blipbench speedups`: results and speedups from the API, filtered as GET /v1/history filters. */
import type { Command } from 'commander';

import type { HistoryPage, SpeedupsReport } from '../../dashboard/src/api-types.js';
import { variantLabels } from '../../dashboard/src/spec.js';
import type { Query } from './api-client.js';
import { addClientOptions, clientFor, printJson, type ClientFlags } from './options.js';
import { formatTable, fraction, ms, speedup, timestamp } from './table.js';

/** Filters shared by both commands, named as the API's query parameters; the API validates the values. */
const FILTERS = [
  ['model', '<name>', 'model name, e.g. tiny'],
  ['variant', '<hash>', 'variant hash'],
  ['quantization', '<method>', 'none, int8-dynamic, int8-weight-only or int4-weight-only'],
  ['pruning', '<method>', 'none, l1-unstructured, heads or neurons'],
  ['amount', '<fraction>', 'pruning amount, with --pruning'],
  ['decoding', '<strategy>', 'greedy, beam or sample'],
  ['host', '<id-or-name>', 'host id or hostname'],
  ['image', '<ref>', 'image id, SHA-256 or file name'],
  ['sweep', '<id>', 'sweep id'],
  ['from', '<iso-time>', 'results at or after this time, e.g. 2025-01-31T00:00:00Z'],
  ['to', '<iso-time>', 'results before this time'],
] as const;

type FilterFlags = ClientFlags & Partial<Record<(typeof FILTERS)[number][0] | 'kind' | 'limit' | 'cursor', string>>;

function addFilterOptions(command: Command): Command {
  for (const [name, value, help] of FILTERS) command.option(`--${name} ${value}`, help);
  return command;
}

function queryOf(flags: FilterFlags, names: readonly string[]): Query {
  return Object.fromEntries(names.map((name) => [name, flags[name as keyof FilterFlags] as string | undefined]));
}

async function history(flags: FilterFlags): Promise<void> {
  const page = await clientFor(flags).get<HistoryPage>('/v1/history', queryOf(flags, [...FILTERS.map(([name]) => name), 'kind', 'limit', 'cursor']));
  if (flags.json) {
    printJson(page);
    return;
  }
  if (page.items.length === 0) {
    process.stdout.write('No results match.\n');
    return;
  }
  const labels = variantLabels([...new Map(page.items.map((item) => [item.variant.variantHash, item.variant])).values()]);
  const rows = page.items.map((item) => [
    timestamp(item.createdAt),
    item.sweepId?.slice(0, 8) ?? '-',
    `${labels.get(item.variant.variantHash) ?? item.variant.variantHash}${item.isBaseline ? ' (baseline)' : ''}`,
    item.host.hostname,
    item.image.name ?? item.image.id,
    ms(item.medianMs),
    ms(item.p90Ms),
    speedup(item.speedup),
    fraction(item.top1Agreement),
    item.caption,
  ]);
  const table = formatTable(
    [{ title: 'Measured (UTC)' }, { title: 'Sweep' }, { title: 'Variant' }, { title: 'Host' }, { title: 'Image' }, { title: 'Median', align: 'right' }, { title: 'P90', align: 'right' }, { title: 'Speedup', align: 'right' }, { title: 'Top-1', align: 'right' }, { title: 'Caption', maxWidth: 50 }],
    rows,
  );
  process.stdout.write(`${table}\n${page.nextCursor ? `More: add --cursor ${page.nextCursor}\n` : ''}`);
}

function spreadText(row: SpeedupsReport['overall'][number]): [string, string, string] {
  if (!row.speedup) return ['-', '-', '-'];
  return [speedup(row.speedup.median), `${row.speedup.p25.toFixed(2)}-${row.speedup.p75.toFixed(2)}`, `${row.speedup.min.toFixed(2)}-${row.speedup.max.toFixed(2)}`];
}

async function speedups(flags: FilterFlags): Promise<void> {
  const report = await clientFor(flags).get<SpeedupsReport>('/v1/speedups', queryOf(flags, FILTERS.map(([name]) => name)));
  if (flags.json) {
    printJson(report);
    return;
  }
  if (report.overall.length === 0) {
    process.stdout.write('No speedups match: they need benchmark results of a variant and its baseline on the same host and image.\n');
    return;
  }
  const labels = variantLabels([...new Map(report.overall.map((row) => [row.variantHash, row])).values()]);
  const byMedian = (a: SpeedupsReport['overall'][number], b: SpeedupsReport['overall'][number]) => (b.speedup?.median ?? -1) - (a.speedup?.median ?? -1);
  const rows = [...report.overall.sort(byMedian).map((row) => ({ row, host: 'all hosts' })), ...report.perHost.sort(byMedian).map((row) => ({ row, host: row.host?.hostname ?? '-' }))].map(({ row, host }) => [
    labels.get(row.variantHash) ?? row.variantHash,
    row.variantHash,
    host,
    ...spreadText(row),
    String(row.speedup?.count ?? 0),
    String(row.results),
  ]);
  const table = formatTable(
    [{ title: 'Variant' }, { title: 'Hash' }, { title: 'Host' }, { title: 'Speedup', align: 'right' }, { title: 'IQR', align: 'right' }, { title: 'Range', align: 'right' }, { title: 'Pairs', align: 'right' }, { title: 'Results', align: 'right' }],
    rows,
  );
  process.stdout.write(`${table}\n`);
}

export function registerHistoryCommands(program: Command): void {
  addClientOptions(
    addFilterOptions(program.command('history').description('List measured results, newest first'))
      .option('--kind <kind>', 'benchmark or caption')
      .option('--limit <n>', 'results per page (1 to 500, default 50)')
      .option('--cursor <id>', 'page after this result id, as printed after the table'),
  ).action((flags: FilterFlags) => history(flags));
  addClientOptions(addFilterOptions(program.command('speedups').description('Speedup against the baseline per variant, over all hosts and per host'))).action((flags: FilterFlags) => speedups(flags));
}

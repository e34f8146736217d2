/** A sweep for the terminal: a header with its progress, one row per variant, and its failed jobs. */
import type { SweepDetails } from '../../dashboard/src/api-types.js';
import { variantLabels } from '../../dashboard/src/spec.js';
import { formatTable, ms, speedup, timestamp } from './table.js';

export function progressLine(details: Pick<SweepDetails, 'progress'>): string {
  const { progress } = details;
  const done = progress.completed + progress.failed + progress.cancelled;
  const extras = [progress.running > 0 ? `${progress.running} running` : '', progress.failed > 0 ? `${progress.failed} failed` : '', progress.cancelled > 0 ? `${progress.cancelled} cancelled` : ''].filter(Boolean);
  return `${done}/${progress.total} jobs done${extras.length > 0 ? ` (${extras.join(', ')})` : ''}`;
}

function spread(summary: SweepDetails['variants'][number]): string {
  const value = summary.speedup;
  if (!value) return '-';
  return value.count > 1 ? `${value.p25.toFixed(2)}-${value.p75.toFixed(2)}` : '-';
}

export function formatSweep(details: SweepDetails): string {
  const labels = variantLabels(details.variants);
  const header = [
    `Sweep ${details.id}${details.name ? ` (${details.name})` : ''}: ${details.status}, ${progressLine(details)}`,
    `model ${details.modelName}, ${details.kind}, ${details.runs} runs + ${details.warmupRuns} warm-up per job, created ${timestamp(details.createdAt)} UTC${details.finishedAt ? `, finished ${timestamp(details.finishedAt)} UTC` : ''}`,
  ];
  const rows = details.variants.map((summary) => {
    const label = labels.get(summary.variantHash) ?? summary.variantHash;
    const results = details.results.filter((result) => result.variant.variantHash === summary.variantHash);
    const top1 = results.map((result) => result.top1Agreement).filter((value): value is number => value !== null);
    return [
      summary.isBaseline && !/baseline/i.test(label) ? `${label} (baseline)` : label,
      String(summary.results),
      ms(summary.medianMs),
      ms(summary.meanMs),
      speedup(summary.speedup?.median),
      spread(summary),
      top1.length > 0 ? `${((100 * top1.reduce((sum, value) => sum + value, 0)) / top1.length).toFixed(1)}%` : '-',
      summary.caption ?? '-',
    ];
  });
  const table = formatTable(
    [{ title: 'Variant' }, { title: 'Images', align: 'right' }, { title: 'Median', align: 'right' }, { title: 'Mean', align: 'right' }, { title: 'Speedup', align: 'right' }, { title: 'IQR', align: 'right' }, { title: 'Top-1', align: 'right' }, { title: 'Caption', maxWidth: 60 }],
    rows,
  );
  const failures = details.failures.map((failure) => `failed: ${labels.get(failure.variantHash) ?? failure.variantHash} on image ${failure.imageId}: ${failure.error ?? 'no reason recorded'}`);
  return [...header, '', table, ...(failures.length > 0 ? ['', ...failures] : [])].join('\n');
}

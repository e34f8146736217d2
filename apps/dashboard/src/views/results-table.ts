/**
 * The sweep's results table: one row per variant, aggregated over its images (median of the
 * per-image medians, and the speedup's median with its quartiles), the baseline marked.
 */
import type { Result, VariantSummary } from '../api-types.js';
import { h } from '../dom.js';
import { efficiencyOf } from '../efficiency.js';
import { formatBytes, formatFraction, formatMs, formatNumber, formatSpeedup } from '../format.js';
import { sortableTable, type Column, type SortState } from '../sortable-table.js';
import { mean, median } from '../stats.js';

export interface VariantRow {
  summary: VariantSummary;
  label: string;
  images: number;
  medianMs: number | null;
  p90Ms: number | null;
  bytesOnDisk: number | null;
  visionFractionOfPeak: number | null;
  decoderFractionOfBandwidth: number | null;
  top1Agreement: number | null;
  meanKl: number | null;
  /** Results of this variant timed while other work kept the host busy. */
  overlapped: number;
}

export function variantRows(variants: readonly VariantSummary[], results: readonly Result[], labels: Map<string, string>): VariantRow[] {
  return variants.map((summary) => {
    const own = results.filter((result) => result.variant.variantHash === summary.variantHash);
    const efficiency = own.map((result) => efficiencyOf(result.efficiency));
    return {
      summary,
      label: labels.get(summary.variantHash) ?? summary.variantHash,
      images: own.length,
      medianMs: summary.medianMs,
      p90Ms: median(own.map((result) => result.p90Ms)),
      bytesOnDisk: median(own.map((result) => result.bytesOnDisk)),
      visionFractionOfPeak: median(efficiency.map((entry) => entry?.visionFractionOfPeak).filter((value): value is number => value !== undefined)),
      decoderFractionOfBandwidth: median(efficiency.map((entry) => entry?.decoderFractionOfBandwidth).filter((value): value is number => value !== undefined)),
      top1Agreement: mean(own.map((result) => result.top1Agreement)),
      meanKl: mean(own.map((result) => result.meanKl)),
      overlapped: own.filter((result) => result.overlapped).length,
    };
  });
}

function speedupCell(row: VariantRow) {
  const spread = row.summary.speedup;
  if (!spread) return '—';
  if (row.summary.isBaseline) return h('span', { class: 'muted' }, formatSpeedup(spread.median));
  const range = spread.count > 1 ? h('span', { class: 'spread', title: `min ${formatSpeedup(spread.min)}, max ${formatSpeedup(spread.max)} over ${spread.count} images` }, ` ${spread.p25.toFixed(2)}–${spread.p75.toFixed(2)}`) : null;
  return [h('strong', {}, formatSpeedup(spread.median)), range];
}

function efficiencyCell(row: VariantRow) {
  if (row.visionFractionOfPeak === null && row.decoderFractionOfBandwidth === null) return '—';
  return h(
    'span',
    { title: 'Vision encoder FLOP/s as a fraction of the host’s GEMM peak; decoder weight bytes per second as a fraction of its memory bandwidth' },
    `vision ${formatFraction(row.visionFractionOfPeak, 0)} · decoder ${formatFraction(row.decoderFractionOfBandwidth, 0)}`,
  );
}

const COLUMNS: ReadonlyArray<Column<VariantRow>> = [
  {
    key: 'variant',
    title: 'Variant',
    nowrap: true,
    sortValue: (row) => row.label,
    render: (row) => [
      row.summary.isBaseline ? h('span', { class: 'badge baseline' }, 'baseline') : null,
      h('span', { title: row.summary.variantHash }, row.label),
      row.overlapped > 0 ? h('span', { class: 'badge busy', title: `${row.overlapped} of ${row.images} results were timed while other work kept the host busy; rerun on an idle host` }, 'busy host') : null,
    ],
  },
  { key: 'images', title: 'Images', numeric: true, sortValue: (row) => row.images, render: (row) => String(row.images) },
  { key: 'median', title: 'Median', numeric: true, help: 'Median over images of each result’s median run time', sortValue: (row) => row.medianMs, render: (row) => formatMs(row.medianMs) },
  { key: 'p90', title: 'P90', numeric: true, help: 'Median over images of each result’s 90th percentile run time', sortValue: (row) => row.p90Ms, render: (row) => formatMs(row.p90Ms) },
  { key: 'speedup', title: 'Speedup', numeric: true, help: 'Median speedup against the baseline over images, with the quartiles', sortValue: (row) => row.summary.speedup?.median ?? null, render: speedupCell },
  { key: 'efficiency', title: 'Efficiency', help: 'Fraction of the host’s measured peaks, when the host ran the hardware benchmark', sortValue: (row) => row.visionFractionOfPeak, render: efficiencyCell },
  { key: 'top1', title: 'Top-1 agreement', numeric: true, help: 'Share of next-token predictions equal to the baseline’s under teacher forcing', sortValue: (row) => row.top1Agreement, render: (row) => formatFraction(row.top1Agreement) },
  { key: 'kl', title: 'Mean KL', numeric: true, help: 'Mean KL divergence of next-token distributions from the baseline’s', sortValue: (row) => row.meanKl, render: (row) => formatNumber(row.meanKl, 4) },
  { key: 'size', title: 'Size', numeric: true, help: 'Size of the built variant on disk', sortValue: (row) => row.bytesOnDisk, render: (row) => formatBytes(row.bytesOnDisk) },
  { key: 'caption', title: 'Caption', sortValue: (row) => row.summary.caption, render: (row) => h('span', { class: 'caption' }, row.summary.caption ?? '—') },
];

export function resultsTable(rows: readonly VariantRow[], state: SortState, onSort: () => void): HTMLTableElement {
  return sortableTable(COLUMNS, rows, state, onSort, (row) => (row.summary.isBaseline ? 'baseline' : ''));
}

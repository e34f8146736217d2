/**
 * Comparison of chosen results: only the spec fields that differ between them, then each metric
 * with its change against the baseline result of the same sweep, image and host.
 */
import { getJson, withQuery } from '../api.js';
import type { HistoryPage, Result } from '../api-types.js';
import { h, type Child } from '../dom.js';
import { formatBytes, formatFraction, formatMs, formatNumber, formatSpeedup, shortId } from '../format.js';
import { differingPaths, flattenSpec } from '../spec.js';

interface Metric {
  title: string;
  value: (result: Result) => number | null;
  format: (value: number | null) => string;
  /** Whether a smaller value is better, for colouring the change; drift measures are already relative. */
  lowerIsBetter: boolean | null;
}

const METRICS: readonly Metric[] = [
  { title: 'Median', value: (result) => result.medianMs, format: formatMs, lowerIsBetter: true },
  { title: 'P90', value: (result) => result.p90Ms, format: formatMs, lowerIsBetter: true },
  { title: 'Mean', value: (result) => result.meanMs, format: formatMs, lowerIsBetter: true },
  { title: 'Preprocess', value: (result) => result.preprocessMs, format: formatMs, lowerIsBetter: true },
  { title: 'Vision encoder', value: (result) => result.visionEncoderMs, format: formatMs, lowerIsBetter: true },
  { title: 'Decoder', value: (result) => result.decoderMs, format: formatMs, lowerIsBetter: true },
  { title: 'Decoder per token', value: (result) => result.decoderPerTokenMs, format: formatMs, lowerIsBetter: true },
  { title: 'Tokens per second', value: (result) => result.tokensPerSecond, format: (value) => formatNumber(value, 1), lowerIsBetter: false },
  { title: 'Speedup', value: (result) => result.speedup, format: formatSpeedup, lowerIsBetter: false },
  { title: 'Peak RSS', value: (result) => result.peakRssBytes, format: formatBytes, lowerIsBetter: true },
  { title: 'Size on disk', value: (result) => result.bytesOnDisk, format: formatBytes, lowerIsBetter: true },
  { title: 'Top-1 agreement', value: (result) => result.top1Agreement, format: (value) => formatFraction(value), lowerIsBetter: null },
  { title: 'Mean KL', value: (result) => result.meanKl, format: (value) => formatNumber(value, 4), lowerIsBetter: null },
  { title: 'Token F1', value: (result) => result.tokenF1, format: (value) => formatNumber(value, 3), lowerIsBetter: null },
  { title: 'BLEU-4', value: (result) => result.bleu4, format: (value) => formatNumber(value, 3), lowerIsBetter: null },
];

/** Finds the baseline result measured beside `result`: same sweep, image, host and kind; null for single captions. */
async function baselineOf(result: Result, cache: Map<string, Promise<Result | null>>): Promise<Result | null> {
  if (result.isBaseline) return result;
  if (!result.sweepId) return null;
  const key = [result.sweepId, result.image.id, result.host.id, result.kind].join('|');
  if (!cache.has(key)) {
    const path = withQuery('/v1/history', { sweep: result.sweepId, image: result.image.id, host: result.host.id, kind: result.kind, limit: 500 });
    cache.set(
      key,
      getJson<HistoryPage>(path).then((page) => page.items.find((item) => item.isBaseline) ?? null),
    );
  }
  return cache.get(key)!;
}

function change(metric: Metric, value: number | null, baseline: number | null): Child {
  if (metric.lowerIsBetter === null) return h('span', { class: 'delta muted' }, 'against the baseline already');
  if (value === null || baseline === null) return h('span', { class: 'delta muted' }, 'no baseline');
  const difference = value - baseline;
  const relative = baseline !== 0 ? ` (${difference >= 0 ? '+' : ''}${((100 * difference) / baseline).toFixed(1)}%)` : '';
  const better = difference === 0 ? '' : (difference < 0) === metric.lowerIsBetter ? 'better' : 'worse';
  const sign = difference >= 0 ? '+' : '−';
  const magnitude = metric.format(Math.abs(difference));
  return h('span', { class: `delta ${better}` }, `${sign}${magnitude}${relative}`);
}

export async function comparisonTable(selected: readonly Result[], labels: Map<string, string>, cache: Map<string, Promise<Result | null>>): Promise<HTMLElement> {
  const baselines = await Promise.all(selected.map((result) => baselineOf(result, cache)));
  const paths = differingPaths(selected.map((result) => result.variant.spec));
  const specs = selected.map((result) => flattenSpec(result.variant.spec));
  const heading = h(
    'tr',
    {},
    h('th', { scope: 'col' }, ''),
    selected.map((result) => h('th', { scope: 'col' }, labels.get(result.variant.variantHash) ?? result.variant.variantHash, h('div', { class: 'muted small' }, `${result.host.hostname} · ${result.image.name ?? result.image.id} · ${shortId(result.id)}`))),
  );
  const specRows =
    paths.length === 0
      ? [h('tr', {}, h('td', { colspan: selected.length + 1, class: 'muted' }, selected.length < 2 ? 'Choose two or more results to compare their specs.' : 'The chosen results share one spec.'))]
      : paths.map((path) => h('tr', { class: 'spec' }, h('th', { scope: 'row' }, h('code', {}, path)), specs.map((fields) => h('td', {}, fields.get(path) ?? '—'))));
  const metricRows = METRICS.map((metric) =>
    h(
      'tr',
      {},
      h('th', { scope: 'row' }, metric.title),
      selected.map((result, index) => {
        const value = metric.value(result);
        const baseline = baselines[index] ? metric.value(baselines[index]!) : null;
        return h('td', { class: 'num' }, metric.format(value), h('br'), change(metric, value, baseline));
      }),
    ),
  );
  return h(
    'table',
    { class: 'compare', 'data-compare': selected.length },
    h('thead', {}, heading),
    h('tbody', {}, h('tr', { class: 'group' }, h('th', { colspan: selected.length + 1 }, 'Spec fields that differ')), specRows, h('tr', { class: 'group' }, h('th', { colspan: selected.length + 1 }, 'Metrics, with the change against each result’s baseline')), metricRows),
  );
}

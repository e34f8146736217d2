/**
 * Speedup against pruning amount: one dot per result (each image's speedup), and one line per
 * quantization method and pruning method through the median speedup of each variant.
 */
import * as Plot from '@observablehq/plot';

import type { Result, VariantSummary } from '../api-types.js';
import { differingPaths, pruningAmount, seriesOf } from '../spec.js';
import { PLOT_WIDTH, plotFrame } from './plot-frame.js';

interface Point {
  amount: number;
  speedup: number;
  series: string;
  label: string;
}

/**
 * Line points: each variant's median speedup. A pruned series starts from the dense variant of the
 * same quantization (amount 0), so the line shows what pruning adds on top of it.
 */
function linePoints(variants: readonly VariantSummary[], paths: readonly string[]): Point[] {
  const measured = variants.filter((variant) => variant.speedup !== null);
  const points: Point[] = measured.map((variant) => ({ amount: pruningAmount(variant.spec), speedup: variant.speedup!.median, series: seriesOf(variant.spec, paths).name, label: '' }));
  const denseByBase = new Map<string, number>();
  for (const variant of measured) {
    const series = seriesOf(variant.spec, paths);
    if (series.pruning === 'none') denseByBase.set(series.base, variant.speedup!.median);
  }
  const pruned = new Map(measured.map((variant) => seriesOf(variant.spec, paths)).filter((series) => series.pruning !== 'none').map((series) => [series.name, series]));
  for (const series of pruned.values()) {
    const origin = denseByBase.get(series.base);
    const startsAtZero = points.some((point) => point.series === series.name && point.amount === 0);
    if (origin !== undefined && !startsAtZero) points.push({ amount: 0, speedup: origin, series: series.name, label: '' });
  }
  // A series of one point draws no line; its dot is drawn from the results.
  return points.filter((point) => points.filter((other) => other.series === point.series).length > 1);
}

export function speedupVsPruningPlot(variants: readonly VariantSummary[], results: readonly Result[], labels: Map<string, string>): HTMLElement {
  const paths = differingPaths(variants.map((variant) => variant.spec));
  const dots: Point[] = results
    .filter((result) => result.speedup !== null)
    .map((result) => ({
      amount: pruningAmount(result.variant.spec),
      speedup: result.speedup!,
      series: seriesOf(result.variant.spec, paths).name,
      label: `${labels.get(result.variant.variantHash) ?? result.variant.variantHash}\n${result.image.name ?? result.image.id}: ${result.speedup!.toFixed(2)}×`,
    }));
  return plotFrame(
    'speedup-vs-pruning',
    'Speedup against pruning amount',
    'One dot per result, lines through each variant’s median; 1× is the baseline.',
    () =>
      dots.length === 0
        ? null
        : Plot.plot({
            width: PLOT_WIDTH,
            height: 340,
            marginRight: 20,
            grid: true,
            x: { label: 'Pruning amount', tickFormat: '.0%', domain: [0, Math.max(0.1, ...dots.map((dot) => dot.amount))], nice: true },
            y: { label: 'Speedup (×)', nice: true },
            color: { legend: true, label: 'quantization · pruning' },
            marks: [
              Plot.ruleY([1], { stroke: 'currentColor', strokeDasharray: '4 3', strokeOpacity: 0.6 }),
              Plot.line(linePoints(variants, paths), { x: 'amount', y: 'speedup', z: 'series', stroke: 'series', sort: 'amount', strokeWidth: 2 }),
              Plot.dot(dots, { x: 'amount', y: 'speedup', fill: 'series', r: 4, stroke: 'white', title: 'label' }),
            ],
          }),
    'No speedups yet: they appear once the baseline and a variant have results on the same host and image.',
  );
}

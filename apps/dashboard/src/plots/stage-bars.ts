/**
 * Time per stage: one stacked bar per variant, split into preprocess, vision encoder and
 * decoder time (each the median over the variant's results of the per-result stage medians).
 */
import * as Plot from '@observablehq/plot';

import type { Result, VariantSummary } from '../api-types.js';
import { median } from '../stats.js';
import { labelMargin, PLOT_WIDTH, plotFrame } from './plot-frame.js';

const STAGES = [
  { field: 'preprocessMs', name: 'preprocess' },
  { field: 'visionEncoderMs', name: 'vision encoder' },
  { field: 'decoderMs', name: 'decoder' },
] as const;

export const STAGE_NAMES: readonly string[] = STAGES.map((stage) => stage.name);

interface StageBar {
  variant: string;
  stage: string;
  ms: number;
}

export function stageBarsPlot(variants: readonly VariantSummary[], results: readonly Result[], labels: Map<string, string>): HTMLElement {
  const bars: StageBar[] = [];
  for (const variant of variants) {
    const own = results.filter((result) => result.variant.variantHash === variant.variantHash);
    if (own.length === 0) continue;
    for (const stage of STAGES) bars.push({ variant: labels.get(variant.variantHash)!, stage: stage.name, ms: median(own.map((result) => result[stage.field]))! });
  }
  const order = variants.map((variant) => labels.get(variant.variantHash)!).filter((label) => bars.some((bar) => bar.variant === label));
  return plotFrame(
    'stage-bars',
    'Time per stage',
    'Median per variant of each stage’s time in a timed run.',
    () =>
      bars.length === 0
        ? null
        : Plot.plot({
            width: PLOT_WIDTH,
            height: 60 + 28 * order.length,
            marginLeft: labelMargin(order),
            x: { label: 'Time (ms)', grid: true },
            y: { label: null, domain: order },
            color: { legend: true, domain: [...STAGE_NAMES], scheme: 'tableau10' },
            marks: [Plot.barX(bars, { x: 'ms', y: 'variant', fill: 'stage', order: [...STAGE_NAMES], title: (bar: StageBar) => `${bar.variant}\n${bar.stage}: ${bar.ms.toFixed(1)} ms` }), Plot.ruleX([0])],
          }),
    'No results yet.',
  );
}

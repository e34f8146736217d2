/** Latency distribution per variant: every timed run as a dot, with a tick at the variant's median run. */
import * as Plot from '@observablehq/plot';

import type { Result, VariantSummary } from '../api-types.js';
import { labelMargin, PLOT_WIDTH, plotFrame } from './plot-frame.js';

interface Run {
  variant: string;
  ms: number;
  label: string;
}

export function latencyPlot(variants: readonly VariantSummary[], results: readonly Result[], labels: Map<string, string>): HTMLElement {
  const runs: Run[] = results.flatMap((result) => {
    const variant = labels.get(result.variant.variantHash) ?? result.variant.variantHash;
    return result.runTimesMs.map((ms, index) => ({ variant, ms, label: `${variant}\n${result.image.name ?? result.image.id}, run ${index + 1}: ${ms.toFixed(1)} ms` }));
  });
  const order = variants.map((variant) => labels.get(variant.variantHash)!).filter((label) => runs.some((run) => run.variant === label));
  return plotFrame(
    'latency',
    'Latency distribution',
    'Every timed run (end to end); the tick marks each variant’s median.',
    () =>
      runs.length === 0
        ? null
        : Plot.plot({
            width: PLOT_WIDTH,
            height: 60 + 28 * order.length,
            marginLeft: labelMargin(order),
            x: { label: 'Run time (ms)', grid: true, nice: true },
            y: { label: null, domain: order },
            marks: [
              Plot.dot(runs, { x: 'ms', y: 'variant', r: 3.5, fill: 'steelblue', fillOpacity: 0.45, title: 'label' }),
              Plot.tickX(runs, Plot.groupY({ x: 'median' }, { x: 'ms', y: 'variant', stroke: 'black', strokeWidth: 2 })),
            ],
          }),
    'No runs yet.',
  );
}

/** A variant's speedup over time, one series per host, from every benchmark result in history. */
import * as Plot from '@observablehq/plot';

import type { Result } from '../api-types.js';
import { PLOT_WIDTH, plotFrame } from './plot-frame.js';

interface Point {
  at: Date;
  speedup: number;
  host: string;
  label: string;
}

/** Returns the time axis' domain, widened to an hour around points measured within a minute of each other. */
function timeDomain(points: readonly Point[]): [Date, Date] {
  const first = points[0].at.getTime();
  const last = points[points.length - 1].at.getTime();
  const pad = last - first < 60_000 ? 30 * 60_000 : 0;
  return [new Date(first - pad), new Date(last + pad)];
}

export function speedupHistoryPlot(results: readonly Result[], variantLabel: string, control?: HTMLElement): HTMLElement {
  const points: Point[] = results
    .filter((result) => result.speedup !== null)
    .map((result) => ({
      at: new Date(result.createdAt),
      speedup: result.speedup!,
      host: result.host.hostname,
      label: `${result.host.hostname} (${result.host.cpuModel})\n${new Date(result.createdAt).toLocaleString()}: ${result.speedup!.toFixed(2)}×`,
    }))
    .sort((a, b) => a.at.getTime() - b.at.getTime());
  return plotFrame(
    'speedup-history',
    `Speedup over time: ${variantLabel}`,
    'Every benchmark result of this variant in history, one line per host.',
    () =>
      points.length === 0
        ? null
        : Plot.plot({
            width: PLOT_WIDTH,
            height: 300,
            grid: true,
            x: { label: 'Measured at', type: 'time', domain: timeDomain(points) },
            y: { label: 'Speedup (×)', nice: true },
            color: { legend: true, label: 'host' },
            marks: [
              Plot.ruleY([1], { stroke: 'currentColor', strokeDasharray: '4 3', strokeOpacity: 0.6 }),
              Plot.line(points, { x: 'at', y: 'speedup', z: 'host', stroke: 'host', strokeWidth: 1.5 }),
              Plot.dot(points, { x: 'at', y: 'speedup', fill: 'host', r: 4, stroke: 'white', title: 'label' }),
            ],
          }),
    'No speedups in history for this variant yet.',
    control,
  );
}

/** The demo's closing block, in the form of the original BLIP CPU optimization study's output. */

export interface StageReport {
  label: string;
  caption: string;
  /** Mean end-to-end time of the timed runs, in milliseconds. */
  meanMs: number;
}

export interface DemoReport {
  baseline: StageReport;
  quantized: StageReport;
  prunedQuantized: StageReport;
  /** Baseline median time over the variant's, on the same host and image. */
  quantizationSpeedup: number | null;
  pruneQuantSpeedup: number | null;
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} sec`;
const ratio = (value: number | null) => (value === null ? 'n/a (baseline failed)' : `${value.toFixed(2)}x`);

export function formatDemoReport(report: DemoReport): string {
  const lines: string[] = [];
  for (const stage of [report.baseline, report.quantized, report.prunedQuantized]) {
    lines.push(`${stage.label} Caption: ${stage.caption}`);
    lines.push(`${stage.label} CPU time: ${seconds(stage.meanMs)}`);
  }
  lines.push(`Speedup (Quantization): ${ratio(report.quantizationSpeedup)}`);
  lines.push(`Speedup (Prune+Quant): ${ratio(report.pruneQuantSpeedup)}`);
  return lines.join('\n');
}

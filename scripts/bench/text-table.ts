/** Plain-text tables for the benchmark scripts: the first column left-aligned, the others right-aligned. */

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const all = [header, ...rows];
  rows.forEach((row, index) => {
    if (row.length !== header.length) throw new RangeError(`table row ${index} has ${row.length} cells, expected ${header.length}`);
  });
  const widths = header.map((_, column) => Math.max(...all.map((row) => row[column].length)));
  const line = (row: readonly string[]) => row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  ');
  const rule = widths.map((width) => '-'.repeat(width)).join('  ');
  return [line(header), rule, ...rows.map(line)].join('\n');
}

/** Milliseconds with a precision that suits their size. */
export function formatMs(ms: number): string {
  if (ms >= 100) return ms.toFixed(0);
  if (ms >= 10) return ms.toFixed(1);
  return ms.toFixed(2);
}

/** Formats a ratio as "1.52x", or "n/a" when it cannot be computed. */
export function formatRatio(ratio: number | null): string {
  return ratio === null ? 'n/a' : `${ratio.toFixed(2)}x`;
}

export function formatPercent(fraction: number): string {
  return `${(fraction * 100).toFixed(0)} %`;
}

/** Plain-text tables for the terminal: padded columns, numbers right-aligned, long cells cut. */

export interface TableColumn {
  title: string;
  align?: 'left' | 'right';
  /** Cells longer than this are cut with an ellipsis; default no limit. */
  maxWidth?: number;
}

function cut(text: string, maxWidth: number | undefined): string {
  if (maxWidth === undefined || text.length <= maxWidth) return text;
  return `${text.slice(0, Math.max(0, maxWidth - 1))}…`;
}

export function formatTable(columns: readonly TableColumn[], rows: ReadonlyArray<readonly string[]>): string {
  const cells = rows.map((row) => columns.map((column, index) => cut((row[index] ?? '').replace(/\s+/g, ' '), column.maxWidth)));
  const widths = columns.map((column, index) => Math.max(column.title.length, ...cells.map((row) => row[index].length)));
  const line = (values: readonly string[]) =>
    values
      .map((value, index) => (columns[index].align === 'right' ? value.padStart(widths[index]) : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return [line(columns.map((column) => column.title)), line(widths.map((width) => '-'.repeat(width))), ...cells.map(line)].join('\n');
}

export function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '-';
  if (value >= 1000) return `${(value / 1000).toFixed(2)} s`;
  return `${value.toFixed(1)} ms`;
}

export function speedup(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${value.toFixed(2)}x`;
}

export function fraction(value: number | null | undefined): string {
  return value === null || value === undefined ? '-' : `${(value * 100).toFixed(1)}%`;
}

/** Formats an ISO date as "YYYY-MM-DD HH:MM" in UTC, so that tables from different machines compare. */
export function timestamp(iso: string | null | undefined): string {
  return iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)}` : '-';
}

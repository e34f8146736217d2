/** A table whose rows sort by the column whose header is clicked; a second click reverses the order. */
import { h, type Child } from './dom.js';

export interface Column<Row> {
  key: string;
  title: string;
  /** Value to sort by; null sorts last in either direction. */
  sortValue: (row: Row) => number | string | null;
  render: (row: Row) => Child | Child[];
  numeric?: boolean;
  /** Keeps the cell on one line (short labels and dates that read badly when wrapped). */
  nowrap?: boolean;
  /** Text shown when hovering the header: what the column measures. */
  help?: string;
}

export interface SortState {
  key: string | null;
  descending: boolean;
}

function compare(a: number | string | null, b: number | string | null, descending: boolean): number {
  if (a === null && b === null) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  const order = typeof a === 'number' && typeof b === 'number' ? a - b : String(a).localeCompare(String(b));
  return descending ? -order : order;
}

/**
 * Renders the table; clicking a header updates `state` and calls `onSort`, which re-renders. The
 * state lives with the caller so that it survives the view's polling refreshes.
 */
export function sortableTable<Row>(columns: ReadonlyArray<Column<Row>>, rows: readonly Row[], state: SortState, onSort: () => void, rowClass?: (row: Row) => string): HTMLTableElement {
  const column = columns.find((candidate) => candidate.key === state.key);
  const sorted = column ? [...rows].sort((a, b) => compare(column.sortValue(a), column.sortValue(b), state.descending)) : [...rows];
  const header = columns.map((candidate) => {
    const active = candidate.key === state.key;
    const direction = state.descending ? 'descending' : 'ascending';
    const button = h(
      'button',
      {
        type: 'button',
        class: 'sort',
        title: candidate.help ?? `Sort by ${candidate.title.toLowerCase()}`,
        onclick: () => {
          state.descending = active ? !state.descending : false;
          state.key = candidate.key;
          onSort();
        },
      },
      candidate.title,
      active && state.descending ? ' ▼' : '',
      active && !state.descending ? ' ▲' : '',
    );
    return h('th', { scope: 'col', class: candidate.numeric ? 'num' : '', 'aria-sort': active ? direction : 'none', 'data-key': candidate.key }, button);
  });
  const cell = (candidate: Column<Row>, row: Row) => {
    const classes = [candidate.numeric ? 'num' : '', candidate.nowrap ? 'nowrap' : ''].join(' ').trim();
    // Numeric cells carry their raw value, so that scripts and tests read numbers rather than formatted text.
    const value = candidate.numeric ? candidate.sortValue(row) : null;
    return h('td', { class: classes, 'data-value': value }, candidate.render(row));
  };
  const body = sorted.map((row) => h('tr', { class: rowClass?.(row) ?? '' }, columns.map((candidate) => cell(candidate, row))));
  return h('table', { class: 'results' }, h('thead', {}, h('tr', {}, header)), h('tbody', {}, body));
}

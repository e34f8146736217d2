/**
 * History: results filtered as GET /v1/history filters them, the filters kept in the URL; results
 * chosen with their checkboxes are compared below the table (their ids kept in the URL too).
 */
import { getJson } from '../api.js';
import type { HistoryPage, Result } from '../api-types.js';
import { errorNotice, h, replaceChildren } from '../dom.js';
import { formatDate, formatFraction, formatMs, formatNumber, formatSpeedup, shortId } from '../format.js';
import { speedupHistoryPlot } from '../plots/speedup-history.js';
import { sortableTable, type Column, type SortState } from '../sortable-table.js';
import { variantLabels } from '../spec.js';
import { comparisonTable } from './compare.js';
import { apiQuery, filterForm } from './history-filters.js';

function resultColumns(labels: Map<string, string>, selected: Set<string>, onToggle: () => void): Array<Column<Result>> {
  return [
    {
      key: 'select',
      title: 'Compare',
      sortValue: (result) => (selected.has(result.id) ? 0 : 1),
      render: (result) =>
        h('input', {
          type: 'checkbox',
          name: 'compare',
          value: result.id,
          checked: selected.has(result.id),
          'aria-label': `Compare result ${shortId(result.id)}`,
          onchange: (event) => {
            if ((event.target as HTMLInputElement).checked) selected.add(result.id);
            else selected.delete(result.id);
            onToggle();
          },
        }),
    },
    { key: 'at', title: 'Measured', nowrap: true, sortValue: (result) => result.createdAt, render: (result) => formatDate(result.createdAt) },
    { key: 'sweep', title: 'Sweep', sortValue: (result) => result.sweepId, render: (result) => (result.sweepId ? h('a', { href: `/sweeps/${result.sweepId}` }, shortId(result.sweepId)) : 'single caption') },
    {
      key: 'variant',
      title: 'Variant',
      nowrap: true,
      sortValue: (result) => labels.get(result.variant.variantHash) ?? null,
      render: (result) => [result.isBaseline ? h('span', { class: 'badge baseline' }, 'baseline') : null, h('span', { title: result.variant.variantHash }, labels.get(result.variant.variantHash) ?? result.variant.variantHash)],
    },
    { key: 'host', title: 'Host', sortValue: (result) => result.host.hostname, render: (result) => h('span', { title: result.host.cpuModel }, result.host.hostname) },
    { key: 'image', title: 'Image', sortValue: (result) => result.image.name ?? result.image.id, render: (result) => result.image.name ?? result.image.id },
    { key: 'median', title: 'Median', numeric: true, sortValue: (result) => result.medianMs, render: (result) => formatMs(result.medianMs) },
    { key: 'p90', title: 'P90', numeric: true, sortValue: (result) => result.p90Ms, render: (result) => formatMs(result.p90Ms) },
    { key: 'speedup', title: 'Speedup', numeric: true, sortValue: (result) => result.speedup, render: (result) => formatSpeedup(result.speedup) },
    { key: 'top1', title: 'Top-1 agreement', numeric: true, sortValue: (result) => result.top1Agreement, render: (result) => formatFraction(result.top1Agreement) },
    { key: 'kl', title: 'Mean KL', numeric: true, sortValue: (result) => result.meanKl, render: (result) => formatNumber(result.meanKl, 4) },
    { key: 'caption', title: 'Caption', sortValue: (result) => result.caption, render: (result) => h('span', { class: 'caption' }, result.caption) },
  ];
}

/** Keeps the chosen result ids in the URL without reloading, so the comparison can be shared. */
function rememberSelection(selected: Set<string>): void {
  const params = new URLSearchParams(window.location.search);
  if (selected.size > 0) params.set('compare', [...selected].join(','));
  else params.delete('compare');
  const text = params.toString();
  window.history.replaceState(null, '', text ? `/history?${text}` : '/history');
}

/** This view's URL with another page cursor (null: the first page), the filters kept. */
function historyLink(params: URLSearchParams, cursor: string | null): string {
  const next = new URLSearchParams(params);
  next.delete('compare');
  if (cursor) next.set('cursor', cursor);
  else next.delete('cursor');
  const text = next.toString();
  return text ? `/history?${text}` : '/history';
}

export async function showHistory(root: HTMLElement): Promise<void> {
  const params = new URLSearchParams(window.location.search);
  const selected = new Set((params.get('compare') ?? '').split(',').filter(Boolean));
  const sort: SortState = { key: null, descending: false };
  const baselineCache = new Map<string, Promise<Result | null>>();
  const form = filterForm(params);
  const tableHolder = h('div', { class: 'table-scroll' });
  const compareHolder = h('section', { class: 'comparison' });
  replaceChildren(root, h('header', { class: 'page-header' }, h('h1', {}, 'History')), form, h('p', { class: 'muted' }, 'Loading…'));

  let page: HistoryPage;
  try {
    const query = apiQuery(params).toString();
    page = await getJson<HistoryPage>(query ? `/v1/history?${query}` : '/v1/history');
  } catch (error) {
    replaceChildren(root, h('header', { class: 'page-header' }, h('h1', {}, 'History')), form, errorNotice(error));
    root.dataset.state = 'error';
    return;
  }
  const labels = variantLabels([...new Map(page.items.map((result) => [result.variant.variantHash, result.variant])).values()]);

  const renderComparison = async () => {
    const chosen = page.items.filter((result) => selected.has(result.id));
    if (chosen.length === 0) {
      replaceChildren(compareHolder, h('h2', {}, 'Comparison'), h('p', { class: 'muted' }, 'Tick results in the table to compare them.'));
      return;
    }
    try {
      replaceChildren(compareHolder, h('h2', {}, `Comparison of ${chosen.length} results`), h('div', { class: 'table-scroll' }, await comparisonTable(chosen, labels, baselineCache)));
    } catch (error) {
      replaceChildren(compareHolder, h('h2', {}, 'Comparison'), errorNotice(error));
    }
  };
  const renderTable = () => {
    replaceChildren(
      tableHolder,
      sortableTable(
        resultColumns(labels, selected, () => {
          rememberSelection(selected);
          void renderComparison();
        }),
        page.items,
        sort,
        renderTable,
        (result) => (result.isBaseline ? 'baseline' : ''),
      ),
    );
  };
  renderTable();
  await renderComparison();

  const variant = params.get('variant');
  replaceChildren(
    root,
    h('header', { class: 'page-header' }, h('h1', {}, 'History'), h('p', { class: 'muted' }, `${page.items.length} results on this page, newest first.`)),
    form,
    page.items.length === 0 ? h('p', { class: 'empty' }, 'No results match these filters.') : tableHolder,
    h('p', { class: 'links' }, params.has('cursor') ? h('a', { href: historyLink(params, null) }, '← Newest') : null, ' ', page.nextCursor ? h('a', { href: historyLink(params, page.nextCursor) }, 'Older results →') : null),
    variant ? h('div', { class: 'plots single' }, speedupHistoryPlot(page.items.filter((result) => result.kind === 'benchmark'), labels.get(variant) ?? variant)) : null,
    compareHolder,
  );
  root.dataset.state = 'loaded';
}

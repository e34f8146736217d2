/**
 * One sweep: its progress (refreshed every two seconds until it finishes), the results table, the
 * four plots and the failed jobs.
 */
import { getJson, withQuery } from '../api.js';
import type { HistoryPage, SweepDetails } from '../api-types.js';
import { errorNotice, h, replaceChildren } from '../dom.js';
import { formatDate, shortId } from '../format.js';
import { latencyPlot } from '../plots/latency.js';
import { speedupHistoryPlot } from '../plots/speedup-history.js';
import { speedupVsPruningPlot } from '../plots/speedup-vs-pruning.js';
import { stageBarsPlot } from '../plots/stage-bars.js';
import type { SortState } from '../sortable-table.js';
import { variantLabels } from '../spec.js';
import { FINAL_STATUSES, progressBar, statusBadge } from './progress.js';
import { resultsTable, variantRows } from './results-table.js';

const POLL_MS = 2000;
/** Results of one variant that the history plot reads; the API caps a page at 500. */
const HISTORY_LIMIT = 500;

interface PageState {
  sort: SortState;
  /** Variant whose speedup history is plotted; default the first variant that is not the baseline. */
  historyVariant: string | null;
}

function header(details: SweepDetails): HTMLElement {
  const facts = [
    `model ${details.modelName}`,
    details.kind,
    `${details.runs} runs + ${details.warmupRuns} warm-up per job`,
    details.forceNewTokens !== null ? `${details.forceNewTokens} tokens per timed run` : 'runs stop at the stop token',
    `created ${formatDate(details.createdAt)}`,
    details.finishedAt ? `finished ${formatDate(details.finishedAt)}` : null,
  ].filter(Boolean);
  return h(
    'header',
    { class: 'page-header' },
    h('h1', {}, details.name ?? `Sweep ${shortId(details.id)}`, ' ', statusBadge(details.status)),
    h('p', { class: 'muted' }, h('code', {}, details.id), ' · ', facts.join(' · ')),
    progressBar(details.progress),
    h('p', { class: 'links' }, h('a', { href: `/sweeps/${details.id}/captions` }, 'Captions side by side'), ' · ', h('a', { href: withQuery('/history', { sweep: details.id }) }, 'These results in history')),
  );
}

function failuresSection(details: SweepDetails, labels: Map<string, string>): HTMLElement | null {
  if (details.failures.length === 0) return null;
  return h(
    'section',
    { class: 'failures' },
    h('h2', {}, `Failed jobs (${details.failures.length})`),
    h(
      'ul',
      {},
      details.failures.map((failure) => h('li', {}, h('strong', {}, labels.get(failure.variantHash) ?? failure.variantHash), ` on image ${failure.imageId}: `, failure.error ?? 'no reason recorded')),
    ),
  );
}

function historySelect(details: SweepDetails, labels: Map<string, string>, state: PageState, onChange: () => void): HTMLElement {
  const select = h(
    'select',
    {
      name: 'history-variant',
      onchange: (event) => {
        state.historyVariant = (event.target as HTMLSelectElement).value;
        onChange();
      },
    },
    details.variants.map((variant) => h('option', { value: variant.variantHash, selected: variant.variantHash === state.historyVariant }, labels.get(variant.variantHash) ?? variant.variantHash)),
  );
  return h('label', { class: 'plot-control' }, 'Variant: ', select);
}

interface PageData {
  details: SweepDetails;
  history: HistoryPage;
}

async function load(sweepId: string, state: PageState): Promise<PageData> {
  const details = await getJson<SweepDetails>(`/v1/sweeps/${encodeURIComponent(sweepId)}`);
  state.historyVariant ??= (details.variants.find((variant) => !variant.isBaseline) ?? details.variants[0])?.variantHash ?? null;
  const history = state.historyVariant
    ? await getJson<HistoryPage>(withQuery('/v1/history', { variant: state.historyVariant, model: details.modelName, kind: 'benchmark', limit: HISTORY_LIMIT }))
    : { items: [], nextCursor: null };
  return { details, history };
}

/** Draws the page from fetched data; sorting redraws without fetching again. */
function draw(root: HTMLElement, { details, history }: PageData, state: PageState, redraw: () => void, refetch: () => void): void {
  const labels = variantLabels(details.variants);
  const rows = variantRows(details.variants, details.results, labels);
  replaceChildren(
    root,
    header(details),
    h('section', {}, h('h2', {}, 'Results'), h('div', { class: 'table-scroll' }, resultsTable(rows, state.sort, redraw))),
    h(
      'section',
      {},
      h('h2', {}, 'Plots'),
      h(
        'div',
        { class: 'plots' },
        speedupVsPruningPlot(details.variants, details.results, labels),
        stageBarsPlot(details.variants, details.results, labels),
        latencyPlot(details.variants, details.results, labels),
        speedupHistoryPlot(history.items, labels.get(state.historyVariant ?? '') ?? 'no variant', historySelect(details, labels, state, refetch)),
      ),
    ),
    failuresSection(details, labels),
  );
  document.title = `${details.name ?? `Sweep ${shortId(details.id)}`} · BLIP Bench`;
  root.dataset.state = 'loaded';
}

export async function showSweep(root: HTMLElement, sweepId: string): Promise<void> {
  const state: PageState = { sort: { key: null, descending: false }, historyVariant: null };
  let data: PageData | null = null;
  let timer: number | undefined;
  const redraw = () => {
    if (data) draw(root, data, state, redraw, () => void refresh());
  };
  const refresh = async () => {
    window.clearTimeout(timer);
    try {
      data = await load(sweepId, state);
      redraw();
      if (!FINAL_STATUSES.has(data.details.status)) timer = window.setTimeout(() => void refresh(), POLL_MS);
    } catch (error) {
      replaceChildren(root, errorNotice(error));
      root.dataset.state = 'error';
    }
  };
  await refresh();
}

/**
 * The sweeps, newest first, with status and progress. Sweeps still queued or running are polled
 * every two seconds for their progress; the list itself is refreshed every fifteen, to show new ones.
 */
import { getJson, withQuery } from '../api.js';
import type { LiveWorker, SweepDetails } from '../api-types.js';
import { errorNotice, h, replaceChildren } from '../dom.js';
import { formatDate, shortId } from '../format.js';
import { FINAL_STATUSES, progressBar, statusBadge, type Progress } from './progress.js';
import { workersSection } from './workers.js';

/** One row of GET /v1/sweeps. */
interface SweepListItem {
  id: string;
  name: string | null;
  kind: string;
  modelName: string;
  status: string;
  jobsTotal: number;
  runs: number;
  createdAt: string;
  finishedAt: string | null;
}

interface SweepList {
  items: SweepListItem[];
  nextCursor: string | null;
}

const ACTIVE_POLL_MS = 2000;
const IDLE_POLL_MS = 15_000;
const PAGE_SIZE = 50;

/** Progress of a sweep that is still running; the list route does not include it. */
async function progressOf(sweep: SweepListItem): Promise<{ status: string; progress: Progress }> {
  const details = await getJson<SweepDetails>(`/v1/sweeps/${encodeURIComponent(sweep.id)}`);
  return { status: details.status, progress: details.progress };
}

function row(sweep: SweepListItem, live: { status: string; progress: Progress } | undefined): HTMLElement {
  const status = live?.status ?? sweep.status;
  const progress = live?.progress ?? null;
  return h(
    'tr',
    { 'data-sweep': sweep.id },
    h('td', {}, h('a', { href: `/sweeps/${sweep.id}` }, sweep.name ?? `Sweep ${shortId(sweep.id)}`), h('div', { class: 'muted small' }, h('code', {}, shortId(sweep.id)))),
    h('td', {}, statusBadge(status)),
    h('td', { class: 'progress-cell' }, progress ? progressBar(progress) : h('span', { class: 'muted' }, FINAL_STATUSES.has(status) ? `${sweep.jobsTotal} jobs` : '…')),
    h('td', {}, sweep.modelName),
    h('td', {}, sweep.kind),
    h('td', { class: 'num' }, String(sweep.jobsTotal)),
    h('td', {}, formatDate(sweep.createdAt)),
    h('td', {}, formatDate(sweep.finishedAt)),
  );
}

export async function showSweepsList(root: HTMLElement): Promise<void> {
  const cursor = new URLSearchParams(window.location.search).get('cursor');
  let list: SweepList | null = null;
  let workers: LiveWorker[] = [];
  let listFetchedAt = 0;
  const refresh = async () => {
    try {
      if (!list || Date.now() - listFetchedAt >= IDLE_POLL_MS) {
        [list, workers] = await Promise.all([getJson<SweepList>(withQuery('/v1/sweeps', { limit: PAGE_SIZE, cursor })), getJson<{ items: LiveWorker[] }>('/v1/workers').then((page) => page.items)]);
        listFetchedAt = Date.now();
      }
      const active = list.items.filter((sweep) => !FINAL_STATUSES.has(sweep.status));
      const live = new Map(await Promise.all(active.map(async (sweep) => [sweep.id, await progressOf(sweep)] as const)));
      // A sweep that finished since the list was fetched keeps its final progress bar until the next list refresh.
      const stillActive = [...live.values()].some((entry) => !FINAL_STATUSES.has(entry.status));
      replaceChildren(
        root,
        h('header', { class: 'page-header' }, h('h1', {}, 'Sweeps')),
        list.items.length === 0
          ? h('p', { class: 'empty' }, 'No sweeps yet. Submit one with `blipbench sweep submit FILE.json` or POST /v1/sweeps.')
          : h(
              'div',
              { class: 'table-scroll' },
              h(
                'table',
                { class: 'sweeps' },
                h('thead', {}, h('tr', {}, ['Sweep', 'Status', 'Progress', 'Model', 'Kind', 'Jobs', 'Created', 'Finished'].map((title) => h('th', { scope: 'col' }, title)))),
                h('tbody', {}, list.items.map((sweep) => row(sweep, live.get(sweep.id)))),
              ),
            ),
        list.nextCursor ? h('p', {}, h('a', { href: withQuery('/', { cursor: list.nextCursor }) }, 'Older sweeps →')) : null,
        workersSection(workers),
      );
      root.dataset.state = 'loaded';
      window.setTimeout(() => void refresh(), stillActive ? ACTIVE_POLL_MS : IDLE_POLL_MS);
    } catch (error) {
      replaceChildren(root, errorNotice(error));
      root.dataset.state = 'error';
      window.setTimeout(() => void refresh(), IDLE_POLL_MS);
    }
  };
  await refresh();
}

/** The live workers (GET /v1/workers) and the hosts they run on: where new jobs will be measured. */
import type { LiveWorker } from '../api-types.js';
import { h } from '../dom.js';
import { formatDate } from '../format.js';

export function workersSection(workers: readonly LiveWorker[]): HTMLElement {
  if (workers.length === 0) {
    return h('section', { class: 'workers' }, h('h2', {}, 'Workers'), h('p', { class: 'empty' }, 'No live worker: queued jobs wait until one starts (npm run worker).'));
  }
  const rows = workers.map((worker) =>
    h(
      'tr',
      {},
      h('td', { class: 'nowrap' }, worker.host.hostname),
      h('td', {}, worker.host.cpuModel),
      h('td', { class: 'num' }, String(worker.host.logicalCores)),
      h('td', {}, worker.host.simdFlags.join(' ') || '—'),
      h('td', { class: 'num' }, worker.threads === 0 ? 'auto' : String(worker.threads)),
      h('td', { class: 'num' }, String(worker.concurrency)),
      h('td', {}, worker.queues.join(', ')),
      h('td', { class: 'nowrap' }, formatDate(worker.startedAt)),
    ),
  );
  return h(
    'section',
    { class: 'workers' },
    h('h2', {}, `Workers (${workers.length} live)`),
    h(
      'div',
      { class: 'table-scroll' },
      h(
        'table',
        {},
        h('thead', {}, h('tr', {}, ['Host', 'CPU', 'Cores', 'SIMD', 'Threads', 'Concurrency', 'Queues', 'Started'].map((title) => h('th', { scope: 'col' }, title)))),
        h('tbody', {}, rows),
      ),
    ),
  );
}

/** A sweep's status badge and a bar of its jobs: completed, failed and running segments. */
import type { SweepDetails } from '../api-types.js';
import { h } from '../dom.js';

export type Progress = SweepDetails['progress'];

/** Statuses after which a sweep no longer changes, so its page stops polling. */
export const FINAL_STATUSES: ReadonlySet<string> = new Set(['completed', 'cancelled', 'failed']);

export function statusBadge(status: string): HTMLElement {
  return h('span', { class: `badge status-${status}` }, status);
}

export function progressBar(progress: Progress): HTMLElement {
  const done = progress.completed + progress.failed + progress.cancelled;
  const share = (count: number) => (progress.total > 0 ? `${(100 * count) / progress.total}%` : '0%');
  const text = `${done} of ${progress.total} jobs done${progress.failed > 0 ? `, ${progress.failed} failed` : ''}${progress.running > 0 ? `, ${progress.running} running` : ''}`;
  return h(
    'div',
    { class: 'progress', role: 'progressbar', 'aria-valuemin': 0, 'aria-valuemax': progress.total, 'aria-valuenow': done, 'aria-valuetext': text, title: text },
    h('span', { class: 'segment completed', style: `width: ${share(progress.completed)}` }),
    h('span', { class: 'segment failed', style: `width: ${share(progress.failed)}` }),
    h('span', { class: 'segment cancelled', style: `width: ${share(progress.cancelled)}` }),
    h('span', { class: 'segment running', style: `width: ${share(progress.running)}` }),
    h('span', { class: 'label' }, text),
  );
}

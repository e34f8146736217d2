/**
 * The history view's filter form: the query parameters of GET /v1/history, kept in the page's URL
 * under the same names so that a filtered view can be shared as a link.
 */
import type { HistoryQuery } from '../../../platform/services/requests.js';
import { h } from '../dom.js';

type FilterName = Exclude<keyof HistoryQuery, 'cursor'>;

interface Filter {
  name: FilterName;
  label: string;
  /** Choices of a select; a text or number input when absent. */
  options?: readonly string[];
  input?: 'text' | 'number' | 'datetime-local';
  attributes?: Record<string, string | number>;
}

// Written as records so that the type check fails when the API gains or loses a choice.
const QUANTIZATION = { none: true, 'int8-dynamic': true, 'int8-weight-only': true, 'int4-weight-only': true } satisfies Record<NonNullable<HistoryQuery['quantization']>, true>;
const PRUNING = { none: true, 'l1-unstructured': true, heads: true, neurons: true } satisfies Record<NonNullable<HistoryQuery['pruning']>, true>;
const DECODING = { greedy: true, beam: true, sample: true } satisfies Record<NonNullable<HistoryQuery['decoding']>, true>;
const KIND = { benchmark: true, caption: true } satisfies Record<NonNullable<HistoryQuery['kind']>, true>;

export const FILTERS: readonly Filter[] = [
  { name: 'model', label: 'Model' },
  { name: 'kind', label: 'Kind', options: Object.keys(KIND) },
  { name: 'quantization', label: 'Quantization', options: Object.keys(QUANTIZATION) },
  { name: 'pruning', label: 'Pruning', options: Object.keys(PRUNING) },
  { name: 'amount', label: 'Pruning amount', input: 'number', attributes: { min: 0, max: 0.95, step: 0.05 } },
  { name: 'decoding', label: 'Decoding', options: Object.keys(DECODING) },
  { name: 'variant', label: 'Variant hash' },
  { name: 'host', label: 'Host (id or hostname)' },
  { name: 'image', label: 'Image (id, SHA-256 or name)' },
  { name: 'sweep', label: 'Sweep id' },
  { name: 'from', label: 'From', input: 'datetime-local' },
  { name: 'to', label: 'Until', input: 'datetime-local' },
  { name: 'limit', label: 'Per page', input: 'number', attributes: { min: 1, max: 500, step: 1 } },
];

/** Parameters of the page's URL that are not API filters. */
export const PAGE_PARAMETERS = ['compare'] as const;

/** The API's ISO time as a datetime-local input's value, in the browser's time zone. */
function toLocalInput(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 16);
}

/** The query for GET /v1/history: the page's parameters without the ones only the page reads. */
export function apiQuery(params: URLSearchParams): URLSearchParams {
  const query = new URLSearchParams(params);
  for (const name of PAGE_PARAMETERS) query.delete(name);
  return query;
}

function field(filter: Filter, value: string): HTMLElement {
  const control = filter.options
    ? h('select', { name: filter.name }, h('option', { value: '' }, 'any'), filter.options.map((option) => h('option', { value: option, selected: option === value }, option)))
    : h('input', { name: filter.name, type: filter.input ?? 'text', value: filter.input === 'datetime-local' && value ? toLocalInput(value) : value, ...filter.attributes });
  return h('label', { class: 'filter' }, h('span', {}, filter.label), control);
}

/**
 * Renders the form; submitting it loads /history with the filled fields as the query, times
 * converted to ISO 8601 with their offset as the API expects.
 */
export function filterForm(params: URLSearchParams): HTMLFormElement {
  const form = h(
    'form',
    { class: 'filters', method: 'get', action: '/history' },
    FILTERS.map((filter) => field(filter, params.get(filter.name) ?? '')),
    h('div', { class: 'filter-actions' }, h('button', { type: 'submit' }, 'Apply'), h('a', { href: '/history' }, 'Clear')),
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const query = new URLSearchParams();
    for (const filter of FILTERS) {
      const value = String(new FormData(form).get(filter.name) ?? '').trim();
      if (!value) continue;
      query.set(filter.name, filter.input === 'datetime-local' ? new Date(value).toISOString() : value);
    }
    const text = query.toString();
    window.location.assign(text ? `/history?${text}` : '/history');
  });
  return form;
}

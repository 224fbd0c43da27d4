/** The executions list: status, dataset, file, rows, duration; filters; live rows. */
import { get } from './api.js';
import { duration, h, replace } from './dom.js';
import type { ExecutionRow } from './types.js';
import { dropZone } from './upload.js';

const STATUSES = ['RUNNING', 'SUCCEEDED', 'FAILED', 'ABORTED', 'TIMED_OUT'];

/** The list page; `update(arn)` re-reads one execution's row (live events call it). */
export interface ExecutionsView {
  element: HTMLElement;
  update(arn: string): Promise<void>;
}

/** Status as a coloured badge. */
export function badge(status: string): HTMLElement {
  return h('span', { class: `badge ${status.toLowerCase()}`, 'data-status': status }, status);
}

export async function executionsView(ingestBucket: string): Promise<ExecutionsView> {
  const rows = new Map<string, ExecutionRow>();
  for (const r of await get<ExecutionRow[]>('/api/executions')) rows.set(r.executionArn, r);
  const status = h(
    'select',
    { 'data-testid': 'filter-status' },
    h('option', { value: '' }, 'any status'),
    ...STATUSES.map((s) => h('option', { value: s }, s)),
  );
  const dataset = h('select', { 'data-testid': 'filter-dataset' });
  const search = h('input', {
    type: 'search',
    placeholder: 'file name contains…',
    'data-testid': 'filter-file',
  });
  const body = h('tbody');
  const count = h('span', { class: 'count' });

  const datasets = () => {
    const chosen = dataset.value;
    const names = [
      ...new Set([...rows.values()].map((r) => r.dataset).filter((d): d is string => !!d)),
    ].sort();
    replace(
      dataset,
      h('option', { value: '' }, 'any dataset'),
      ...names.map((n) => h('option', { value: n, selected: n === chosen }, n)),
    );
  };
  const render = () => {
    const shown = [...rows.values()]
      .filter((r) => !status.value || r.status === status.value)
      .filter((r) => !dataset.value || r.dataset === dataset.value)
      .filter((r) => !search.value || r.file.toLowerCase().includes(search.value.toLowerCase()))
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
    count.textContent = `${shown.length} of ${rows.size}`;
    replace(
      body,
      ...shown.map((r) =>
        h(
          'tr',
          {
            'data-execution': r.name,
            'data-status': r.status,
            class: 'link',
            onclick: () => (location.hash = `#/execution/${encodeURIComponent(r.name)}`),
          },
          h(
            'td',
            {},
            badge(r.status),
            r.superseded ? h('span', { class: 'tag' }, 'superseded') : null,
          ),
          h('td', { class: 'file' }, r.file),
          h('td', {}, r.dataset ?? ''),
          h('td', { class: 'num' }, r.rowsRead ?? ''),
          h('td', { class: 'num' }, r.rowsCurated ?? ''),
          h('td', { class: 'num' }, r.rowsRejected ?? ''),
          h('td', {}, new Date(r.startDate).toLocaleString()),
          h('td', { class: 'num' }, duration(r.durationMs)),
          h(
            'td',
            { class: 'error', title: r.cause ?? '' },
            r.error ? `${r.error}: ${r.cause ?? ''}` : '',
          ),
        ),
      ),
    );
  };
  for (const el of [status, dataset, search]) el.addEventListener('input', render);
  datasets();
  render();
  const element = h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Executions'),
    dropZone(ingestBucket),
    h('div', { class: 'filters' }, status, dataset, search, count),
    h(
      'table',
      { class: 'grid executions', 'data-testid': 'executions' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          ...[
            'status',
            'file',
            'dataset',
            'read',
            'curated',
            'rejected',
            'started',
            'duration',
            'error',
          ].map((c) => h('th', {}, c)),
        ),
      ),
      body,
    ),
  );
  return {
    element,
    update: async (arn) => {
      rows.set(arn, await get<ExecutionRow>(`/api/execution/row?arn=${encodeURIComponent(arn)}`));
      datasets();
      render();
    },
  };
}

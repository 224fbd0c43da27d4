/** Tables and views of the catalog; one table's columns, partitions, files, rows and preview. */
import { get } from './api.js';
import { grid, h } from './dom.js';
import type { TableDetail, TableListing } from './types.js';

export async function tablesView(): Promise<HTMLElement> {
  const tables = await get<TableListing[]>('/api/tables');
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Tables and views'),
    tables.length === 0
      ? h('p', {}, 'No tables yet: they appear when the first file of a dataset commits.')
      : h(
          'table',
          { class: 'grid', 'data-testid': 'tables' },
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ...['name', 'type', 'partitions', 'files', 'rows', 'partitions from .. to'].map((c) =>
                h('th', {}, c),
              ),
            ),
          ),
          h(
            'tbody',
            {},
            ...tables.map((t) =>
              h(
                'tr',
                {
                  'data-table': t.name,
                  class: 'link',
                  onclick: () => (location.hash = `#/table/${encodeURIComponent(t.name)}`),
                },
                h('td', {}, t.name),
                h('td', {}, t.type),
                h('td', { class: 'num' }, t.type === 'view' ? '' : t.partitions),
                h('td', { class: 'num' }, t.type === 'view' ? '' : t.files),
                h('td', { class: 'num' }, t.rows),
                h('td', {}, t.firstPartition ? `${t.firstPartition} .. ${t.lastPartition}` : ''),
              ),
            ),
          ),
        ),
  );
}

export async function tableView(name: string): Promise<HTMLElement> {
  const t = await get<TableDetail>(`/api/table?name=${encodeURIComponent(name)}`);
  const sql = `SELECT * FROM ${t.name} LIMIT 100`;
  return h(
    'section',
    { class: 'page' },
    h('p', {}, h('a', { href: '#/tables' }, '← Tables')),
    h(
      'h1',
      {},
      t.name,
      ' ',
      h('span', { class: 'tag' }, t.type),
      t.writeMode ? h('span', { class: 'tag' }, t.writeMode) : null,
    ),
    t.description ? h('p', {}, t.description) : null,
    h(
      'p',
      {},
      `${t.rows} rows`,
      t.type === 'table' ? `, ${t.partitionCount} partitions` : '',
      t.location ? ` — ${t.location}` : '',
      ' ',
      h('a', { href: `#/query?sql=${encodeURIComponent(sql)}` }, 'query it'),
    ),
    t.viewSql
      ? h('div', {}, h('h2', {}, 'View SQL'), h('pre', { 'data-testid': 'view-sql' }, t.viewSql))
      : null,
    h('h2', {}, 'Columns'),
    grid(
      ['column', 'type', 'comment'],
      [
        ...t.columns.map((c) => [c.name, c.type, c.comment ?? '']),
        ...t.partitionKeys.map((k) => [k.name, k.type, 'partition key']),
      ],
      'columns',
    ),
    t.rejectReasons
      ? h(
          'div',
          {},
          h('h2', {}, 'Reject reasons'),
          grid(
            t.rejectReasons.columns.map((c) => c.name),
            t.rejectReasons.rows,
            'reject-reasons',
          ),
        )
      : null,
    t.type === 'table'
      ? h(
          'div',
          {},
          h(
            'h2',
            {},
            `Partitions (${t.partitionCount}${t.partitionCount > t.partitions.length ? `, newest ${t.partitions.length} shown` : ''})`,
          ),
          grid(
            ['partition', 'files', 'objects'],
            t.partitions.map((p) => [
              p.values.join('/'),
              p.files.length,
              p.files.map((f) => `${f.key} (${f.size} B)`).join('\n'),
            ]),
            'partitions',
          ),
        )
      : null,
    h('h2', {}, `Preview (${t.preview.rows.length} rows)`),
    h(
      'div',
      { class: 'scroll' },
      grid(
        t.preview.columns.map((c) => c.name),
        t.preview.rows,
        'preview',
      ),
    ),
  );
}

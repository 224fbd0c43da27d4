/** The query editor: Athena SQL, results in a grid, errors as the CLI prints them, CSV, history. */
import { post, type ApiError } from './api.js';
import { grid, h, replace } from './dom.js';
import type { QueryAnswer } from './types.js';

const HISTORY_KEY = 'lake-console-queries';
const HISTORY_SIZE = 20;

function history(): string[] {
  try {
    return JSON.parse(localStorage.getItem(HISTORY_KEY) ?? '[]') as string[];
  } catch {
    return [];
  }
}

function remember(sql: string): void {
  const list = [sql, ...history().filter((q) => q !== sql)].slice(0, HISTORY_SIZE);
  localStorage.setItem(HISTORY_KEY, JSON.stringify(list));
}

/** RFC 4180 CSV, as `lake query --csv` writes it. */
export function toCsv(answer: QueryAnswer): string {
  const esc = (v: unknown) => {
    const s =
      v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [
    answer.columns.map((c) => esc(c.name)).join(','),
    ...answer.rows.map((r) => r.map(esc).join(',')),
  ].join('\n');
}

export function queryView(initialSql: string): HTMLElement {
  const editor = h('textarea', {
    class: 'sql',
    spellcheck: 'false',
    'data-testid': 'sql',
    rows: 8,
  });
  editor.value = initialSql || history()[0] || 'SELECT * FROM users LIMIT 10';
  const run = h('button', { 'data-testid': 'run-query' }, 'Run (Ctrl+Enter)');
  const download = h('button', { 'data-testid': 'download-csv', disabled: true }, 'Download CSV');
  const result = h('div', { class: 'result' });
  const past = h('ol', { class: 'history-list', 'data-testid': 'query-history' });
  let last: QueryAnswer | undefined;

  const showHistory = () =>
    replace(
      past,
      ...history().map((q) =>
        h(
          'li',
          {
            class: 'link',
            onclick: () => {
              editor.value = q;
            },
          },
          h('code', {}, q),
        ),
      ),
    );
  const execute = async () => {
    const sql = editor.value.trim();
    if (!sql) return;
    run.disabled = true;
    replace(result, h('p', {}, 'running…'));
    try {
      last = await post<QueryAnswer>('/api/query', { sql });
      download.disabled = false;
      replace(
        result,
        h(
          'p',
          { class: 'meta' },
          `${last.rows.length} row${last.rows.length === 1 ? '' : 's'} in ${last.ms ?? 0} ms`,
        ),
        h(
          'div',
          { class: 'scroll' },
          grid(
            last.columns.map((c) => c.name),
            last.rows,
            'query-grid',
          ),
        ),
      );
    } catch (err) {
      const e = err as ApiError;
      // As the CLI prints a refused query: one message, then what to do.
      replace(
        result,
        h(
          'pre',
          { class: 'error-box', 'data-testid': 'query-error' },
          `lake: ${e.message}${e.hint ? `\nhint: ${e.hint}` : ''}`,
        ),
      );
    } finally {
      run.disabled = false;
      remember(sql);
      showHistory();
    }
  };
  run.addEventListener('click', () => void execute());
  editor.addEventListener('keydown', (e) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void execute();
    }
  });
  download.addEventListener('click', () => {
    if (!last) return;
    const url = URL.createObjectURL(new Blob([toCsv(last)], { type: 'text/csv' }));
    const a = h('a', { href: url, download: 'query.csv' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });
  showHistory();
  return h(
    'section',
    { class: 'page' },
    h('h1', {}, 'Query'),
    h(
      'p',
      { class: 'meta' },
      "Athena SQL, answered by DuckDB over the registered partitions (the twin's Athena).",
    ),
    editor,
    h('div', { class: 'actions' }, run, download),
    result,
    h('h2', {}, 'Recent queries'),
    past,
  );
}

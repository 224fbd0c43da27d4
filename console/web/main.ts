/**
 * The lake console: a page of the twin served by `lake dev` on loopback. Hash routes:
 * #/executions, #/execution/NAME, #/tables, #/table/NAME, #/query, #/quarantine.
 */
import { followEvents, get, type ConsoleEvent } from './api.js';
import { h, replace } from './dom.js';
import { executionView } from './executionView.js';
import { executionsView } from './executionsView.js';
import { quarantineView } from './quarantineView.js';
import { queryView } from './queryView.js';
import { tablesView, tableView } from './tablesView.js';
import type { ConsoleInfo } from './types.js';

const app = document.getElementById('app')!;
const main = h('main', { 'data-testid': 'page' });
const live = h('span', { class: 'live', 'data-testid': 'live' }, '');
const links = [
  ['#/executions', 'Executions'],
  ['#/tables', 'Tables'],
  ['#/query', 'Query'],
  ['#/quarantine', 'Quarantine'],
] as const;
const nav = h(
  'nav',
  {},
  h('span', { class: 'brand' }, 'lake'),
  ...links.map(([href, text]) => h('a', { href }, text)),
  live,
);
app.append(nav, main);

/** Whoever shows live data now: called with each runner event. */
let onEvent: (event: ConsoleEvent) => void = () => {};

const EXECUTION_END = /^Execution(Started|Succeeded|Failed|Aborted|TimedOut|Redriven)$/;

async function route(info: ConsoleInfo): Promise<void> {
  const [path = '', query = ''] = location.hash.replace(/^#/, '').split('?');
  const [, page = 'executions', arg = ''] = path.split('/');
  const name = decodeURIComponent(arg);
  for (const a of nav.querySelectorAll('a'))
    a.classList.toggle(
      'current',
      a.getAttribute('href') === `#/${page}` || a.getAttribute('href') === `#/${page}s`,
    );
  onEvent = () => {};
  try {
    if (page === 'execution') {
      const view = await executionView(name, info.definition);
      onEvent = (e) => {
        // A child's end moves the Map's chunk runs: read the page again for those too.
        if (e.executionArn === view.arn || (!e.topLevel && EXECUTION_END.test(e.type)))
          view.refresh();
      };
      replace(main, view.element);
    } else if (page === 'tables' || page === 'table') {
      replace(main, page === 'table' ? await tableView(name) : await tablesView());
    } else if (page === 'query') {
      replace(main, queryView(new URLSearchParams(query).get('sql') ?? ''));
    } else if (page === 'quarantine') {
      replace(main, await quarantineView(info.buckets.quarantine));
    } else {
      const view = await executionsView(info.buckets.ingest);
      onEvent = (e) => {
        // Distributed Map children are not rows: their parent's row says it all.
        if (e.topLevel && EXECUTION_END.test(e.type)) void view.update(e.executionArn);
      };
      replace(main, view.element);
    }
  } catch (err) {
    replace(main, h('pre', { class: 'error-box' }, (err as Error).message));
  }
}

async function start(): Promise<void> {
  let info: ConsoleInfo;
  try {
    info = await get<ConsoleInfo>('/api/info');
  } catch (err) {
    replace(
      main,
      h(
        'pre',
        { class: 'error-box' },
        `${(err as Error).message}\nOpen the URL lake dev printed (it carries the token).`,
      ),
    );
    return;
  }
  let seen = 0;
  followEvents((e) => {
    seen += 1;
    live.textContent = `live · ${seen} events`;
    onEvent(e);
  });
  live.textContent = 'live';
  window.addEventListener('hashchange', () => void route(info));
  await route(info);
}

void start();

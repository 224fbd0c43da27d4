/** One execution: the graph coloured by status, each state's data, the history, redrive. */
import { get, post } from './api.js';
import { duration, h, prettyJson, replace } from './dom.js';
import { badge } from './executionsView.js';
import { stateGraph, type NodeState } from './stateGraph.js';
import type { ExecutionDetail, HistoryEvent, StateRun } from './types.js';

function noteOf(run: StateRun): string | undefined {
  const parts: string[] = [];
  if (run.iterations) parts.push(`${run.iterations.succeeded}/${run.iterations.started} chunks`);
  if (run.retries) parts.push(`${run.retries} retr${run.retries === 1 ? 'y' : 'ies'}`);
  return parts.length ? parts.join(', ') : undefined;
}

function eventDetail(e: HistoryEvent): string {
  const entry = Object.entries(e).find(([k]) => k.endsWith('EventDetails'));
  const d = (entry?.[1] ?? {}) as Record<string, unknown>;
  return ['name', 'error', 'cause', 'index']
    .filter((k) => d[k] !== undefined)
    .map((k) => `${k}=${String(d[k]).slice(0, 160)}`)
    .join('  ');
}

function statePanel(run: StateRun | undefined, name: string): HTMLElement {
  if (!run)
    return h(
      'div',
      { class: 'state-panel', 'data-testid': 'state-panel' },
      h('h3', {}, name),
      h('p', {}, 'Not run in this execution.'),
    );
  const block = (title: string, text: string | undefined) =>
    text ? h('div', {}, h('h4', {}, title), h('pre', {}, prettyJson(text))) : null;
  return h(
    'div',
    { class: 'state-panel', 'data-testid': 'state-panel' },
    h('h3', {}, name, ' ', badge(run.status.toUpperCase())),
    h(
      'p',
      {},
      `entered ${run.entered}×`,
      run.retries ? `, ${run.retries} retries` : '',
      run.iterations
        ? `, ${run.iterations.succeeded} of ${run.iterations.started} iterations succeeded`
        : '',
    ),
    run.error
      ? h(
          'div',
          { class: 'error-box' },
          h('strong', {}, run.error),
          h('pre', {}, prettyJson(run.cause)),
        )
      : null,
    run.chunks?.length
      ? h(
          'div',
          {},
          h(
            'h4',
            {},
            run.mapRunArn ? `Chunk runs (Map Run ${run.mapRunArn.split(':').pop()})` : 'Chunk runs',
          ),
          h(
            'table',
            { class: 'grid', 'data-testid': 'chunk-runs' },
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                h('th', {}, 'chunk'),
                h('th', {}, 'status'),
                h('th', {}, 'child execution'),
              ),
            ),
            h(
              'tbody',
              {},
              ...run.chunks.map((c) =>
                h(
                  'tr',
                  {},
                  h('td', { class: 'num' }, c.index),
                  h('td', {}, badge(c.status.toUpperCase())),
                  h('td', {}, c.executionArn?.split(':').pop() ?? ''),
                ),
              ),
            ),
          ),
        )
      : null,
    block('Input', run.input),
    block('Output', run.output),
  );
}

/** The page of execution `name`; `refresh()` re-reads it (live events call it). */
export async function executionView(name: string, definition: unknown) {
  const list = await get<{ name: string; executionArn: string }[]>('/api/executions');
  const arn = list.find((e) => e.name === name)?.executionArn ?? name;
  const element = h('section', { class: 'page' });
  let picked: string | undefined;

  const render = (detail: ExecutionDetail) => {
    const { row } = detail;
    const runs = new Map(detail.states.map((r) => [r.name, r]));
    const states = new Map<string, NodeState>(
      detail.states.map((r) => [
        r.name,
        { status: r.status, ...(noteOf(r) ? { note: noteOf(r)! } : {}) },
      ]),
    );
    const panel = h('div', { class: 'panel-slot' });
    const pick = (state: string) => {
      picked = state;
      replace(panel, statePanel(runs.get(state), state));
    };
    const message = h('span', { class: 'action-message', 'data-testid': 'action-message' });
    const redrive = h(
      'button',
      {
        'data-testid': 'redrive',
        disabled: !row.redrivable,
        title: row.redrivable
          ? 'resume at the state that failed'
          : 'only FAILED, TIMED_OUT or ABORTED executions can be redriven',
      },
      'Redrive',
    );
    redrive.addEventListener('click', async () => {
      redrive.disabled = true;
      try {
        await post('/api/redrive', { executionArn: row.executionArn });
        message.textContent = 'redriving…';
      } catch (err) {
        message.textContent = (err as Error).message;
      }
    });
    const again = h(
      'button',
      { 'data-testid': 'new-execution', title: 'start a new execution with the same input' },
      'New execution',
    );
    again.addEventListener('click', async () => {
      try {
        const started = await post<{ executionArn: string }>('/api/executions', {
          input: detail.input,
        });
        location.hash = `#/execution/${encodeURIComponent(started.executionArn.split(':').pop()!)}`;
      } catch (err) {
        message.textContent = (err as Error).message;
      }
    });
    replace(
      element,
      h('p', {}, h('a', { href: '#/executions' }, '← Executions')),
      h('h1', {}, row.name, ' ', badge(row.status)),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'file'),
        h('dd', {}, row.file),
        h('dt', {}, 'dataset'),
        h('dd', {}, row.dataset ?? '—'),
        h('dt', {}, 'rows'),
        h(
          'dd',
          {},
          row.rowsRead === null
            ? '—'
            : `${row.rowsRead} read, ${row.rowsCurated} curated, ${row.rowsRejected} rejected`,
        ),
        h('dt', {}, 'duration'),
        h('dd', {}, duration(row.durationMs) || 'running'),
        h('dt', {}, 'redrives'),
        h('dd', {}, String(row.redriveCount)),
      ),
      row.error
        ? h(
            'div',
            { class: 'error-box', 'data-testid': 'execution-error' },
            h('strong', {}, row.error),
            ': ',
            row.cause ?? '',
          )
        : null,
      h('div', { class: 'actions' }, redrive, again, message),
      h(
        'div',
        { class: 'graph-and-panel' },
        h('div', { class: 'graph-box' }, stateGraph(definition, states, pick)),
        panel,
      ),
      h('h2', {}, 'Output'),
      h('pre', { 'data-testid': 'execution-output' }, prettyJson(detail.output) || '—'),
      h('h2', {}, 'Input'),
      h('pre', {}, prettyJson(detail.input)),
      h('h2', {}, `History (${detail.events.length} events)`),
      h(
        'table',
        { class: 'grid history', 'data-testid': 'history' },
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, '#'),
            h('th', {}, 'type'),
            h('th', {}, '+time'),
            h('th', {}, 'detail'),
          ),
        ),
        h(
          'tbody',
          {},
          ...detail.events.map((e) =>
            h(
              'tr',
              {},
              h('td', { class: 'num' }, e.id),
              h('td', {}, e.type),
              h(
                'td',
                { class: 'num' },
                duration(new Date(e.timestamp).getTime() - new Date(row.startDate).getTime()),
              ),
              h('td', { class: 'detail' }, eventDetail(e)),
            ),
          ),
        ),
      ),
    );
    const failed = detail.states.find((r) => r.status === 'failed');
    pick(picked ?? failed?.name ?? detail.states.at(-1)?.name ?? '');
  };

  let pending: ReturnType<typeof setTimeout> | undefined;
  const refresh = async () =>
    render(await get<ExecutionDetail>(`/api/execution?arn=${encodeURIComponent(arn)}`));
  await refresh();
  return {
    element,
    arn,
    /** Coalesce bursts of events into one read. */
    refresh: () => {
      clearTimeout(pending);
      pending = setTimeout(() => void refresh(), 120);
    },
  };
}

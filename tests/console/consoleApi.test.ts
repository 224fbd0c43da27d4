/**
 * The console's server without a browser: state statuses from histories, the graph model of the
 * real ASL, the event stream, and the guard on every route (JSON bodies only, token, Host).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stateRuns } from '../../console/server/stateRuns.js';
import { graphOf } from '../../console/web/graphModel.js';
import { layoutLevel } from '../../console/web/graphLayout.js';
import type { HistoryEvent } from '../../src/local/workflow/index.js';
import { loadIngestTemplate } from '../../workflows/render.js';
import { SAMPLES } from '../twin/helpers.js';
import { startConsoleRig, type ConsoleRig } from './helpers.js';

const ev = (
  id: number,
  previousEventId: number,
  type: string,
  details: Record<string, unknown> = {},
) =>
  ({
    id,
    previousEventId,
    type,
    timestamp: new Date(0),
    ...(Object.keys(details).length ? { [`${type}EventDetails`]: details } : {}),
  }) as unknown as HistoryEvent;

describe('stateRuns', () => {
  it('colours a retried task succeeded with its retries, a caught failure caught, the state it stopped at failed', () => {
    const events = [
      ev(1, 0, 'ExecutionStarted'),
      ev(2, 1, 'TaskStateEntered', { name: 'A', input: '{}' }),
      ev(3, 2, 'TaskScheduled'),
      ev(4, 3, 'TaskFailed', { error: 'StorageUnavailableError', cause: 'x' }),
      ev(5, 4, 'TaskScheduled'),
      ev(6, 5, 'TaskSucceeded'),
      ev(7, 6, 'TaskStateExited', { name: 'A', output: '{"a":1}' }),
      ev(8, 7, 'TaskStateEntered', { name: 'B' }),
      ev(9, 8, 'TaskScheduled'),
      ev(10, 9, 'TaskFailed', { error: 'HeaderMismatchError', cause: 'bad header' }),
      ev(11, 10, 'TaskStateExited', { name: 'B', output: '{}' }),
      ev(12, 11, 'TaskStateEntered', { name: 'C' }),
      ev(13, 12, 'TaskScheduled'),
      ev(14, 13, 'TaskFailed', { error: 'Error', cause: 'boom' }),
      ev(15, 14, 'ExecutionFailed', { error: 'Error', cause: 'boom' }),
    ];
    const runs = stateRuns(events, 'FAILED');
    expect(runs.get('A')).toMatchObject({ status: 'succeeded', retries: 1, output: '{"a":1}' });
    expect(runs.get('A')).not.toHaveProperty('error');
    expect(runs.get('B')).toMatchObject({ status: 'caught', error: 'HeaderMismatchError' });
    expect(runs.get('C')).toMatchObject({ status: 'failed', error: 'Error', cause: 'boom' });
    expect(runs.has('D')).toBe(false);
  });

  it('counts Map iterations on the Map, and a state left running by an abort is aborted', () => {
    const events = [
      ev(1, 0, 'MapStateEntered', { name: 'M' }),
      ev(2, 1, 'MapStateStarted'),
      ev(3, 2, 'MapIterationStarted', { name: 'M', index: 0 }),
      ev(4, 3, 'TaskStateEntered', { name: 'T' }),
      ev(5, 4, 'TaskStateExited', { name: 'T' }),
      ev(6, 5, 'MapIterationSucceeded', { name: 'M', index: 0 }),
      ev(7, 2, 'MapIterationStarted', { name: 'M', index: 1 }),
      ev(8, 7, 'TaskStateEntered', { name: 'T' }),
      ev(9, 8, 'ExecutionAborted'),
    ];
    const runs = stateRuns(events, 'ABORTED');
    expect(runs.get('M')).toMatchObject({
      status: 'aborted',
      iterations: { started: 2, succeeded: 1, failed: 0 },
    });
    expect(runs.get('T')).toMatchObject({ status: 'aborted', entered: 2 });
    expect(runs.get('M')!.chunks).toEqual([
      { index: 0, status: 'succeeded' },
      { index: 1, status: 'aborted' },
    ]);
  });
});

describe('graphOf the ingest ASL', () => {
  it('has every state, Choice rules and Default, Catch edges, and the Map processors nested', () => {
    const graph = graphOf(loadIngestTemplate());
    const names = graph.nodes.map((n) => n.id);
    for (const s of [
      'Start',
      'CopyToRaw',
      'CheckVersion',
      'Validate',
      'ChooseFanOut',
      'Commit',
      'Quarantine',
      'Failed',
      'Done',
      'Superseded',
    ])
      expect(names).toContain(s);
    const map = graph.nodes.find((n) => n.id === 'TransformChunks')!;
    expect(map.children?.[0]?.nodes.map((n) => n.id)).toContain('Transform');
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ from: 'CheckVersion', to: 'Superseded', kind: 'choice' }),
    );
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ from: 'CheckVersion', to: 'Validate', kind: 'default' }),
    );
    expect(graph.edges).toContainEqual(
      expect.objectContaining({ from: 'Validate', to: 'Quarantine', kind: 'catch' }),
    );
    // dagre places every node, the Map's box around its processor.
    const layout = layoutLevel(graph);
    const placed = layout.nodes.find((n) => n.node.id === 'TransformChunks')!;
    const inner = placed.inner[0]!.layout;
    expect(placed.width).toBeGreaterThanOrEqual(inner.width);
    expect(placed.height).toBeGreaterThan(inner.height);
    expect(new Set(layout.nodes.map((n) => `${Math.round(n.x)},${Math.round(n.y)}`)).size).toBe(
      layout.nodes.length,
    );
  });
});

describe('the console API', () => {
  let rig: ConsoleRig;
  beforeAll(async () => {
    rig = await startConsoleRig('api');
  });
  afterAll(async () => {
    await rig?.close();
  });
  const auth = () => ({ authorization: `Bearer ${rig.token}` });

  it('takes JSON bodies only: a form or text/plain post (what a page may send without asking) is refused', async () => {
    for (const type of [
      'text/plain',
      'application/x-www-form-urlencoded',
      'multipart/form-data; boundary=x',
    ]) {
      const res = await fetch(`${rig.console.url}/api/upload`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': type },
        body: 'key=a.csv',
      });
      expect(res.status, type).toBe(415);
    }
    const list = await rig.twin.store.list(rig.twin.config.buckets.ingest, '');
    expect(list).toEqual([]);
  });

  it('streams runner events as server-sent events while an upload runs', async () => {
    const controller = new AbortController();
    const res = await fetch(`${rig.console.url}/api/events`, {
      headers: auth(),
      signal: controller.signal,
    });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
    const upload = await fetch(`${rig.console.url}/api/upload`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({
        key: 'jobs.csv',
        content: (await readFile(path.join(SAMPLES, 'jobs.csv'))).toString('base64'),
      }),
    });
    expect(upload.status).toBe(200);
    let text = '';
    const deadline = Date.now() + 20_000;
    while (!text.includes('"ExecutionSucceeded"') && Date.now() < deadline) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    expect(text).toMatch(/data: \{"executionArn":"[^"]+jobs_csv[^"]*","type":"ExecutionStarted"/);
    expect(text).toMatch(
      /"type":"TaskStateEntered","id":\d+,"timestamp":"[^"]+","state":"CopyToRaw"/,
    );
    expect(text).toContain('"ExecutionSucceeded"');
    const rows = (await (
      await fetch(`${rig.console.url}/api/executions`, { headers: auth() })
    ).json()) as {
      file: string;
      dataset: string;
      rowsCurated: number;
      status: string;
    }[];
    expect(rows).toEqual([
      expect.objectContaining({
        file: 'jobs.csv',
        dataset: 'jobs',
        rowsCurated: 40,
        status: 'SUCCEEDED',
      }),
    ]);
  });

  it("lists a Distributed Map's chunk runs (its child executions) on the Map state", async () => {
    // Small chunks: jobs.csv (808 bytes) plans more than 16, so the Distributed Map runs them.
    process.env.CHUNK_BYTES = '32';
    const controller = new AbortController();
    const stream = await fetch(`${rig.console.url}/api/events`, {
      headers: auth(),
      signal: controller.signal,
    });
    const reader = stream.body!.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    try {
      const upload = await fetch(`${rig.console.url}/api/upload`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': 'application/json' },
        body: JSON.stringify({
          key: 'jobs_chunked.csv',
          content: (await readFile(path.join(SAMPLES, 'jobs.csv'))).toString('base64'),
        }),
      });
      expect(upload.status).toBe(200);
      const { executions } = await rig.twin.runner.listExecutions({});
      const arn = executions.find((e) => e.name.startsWith('jobs_chunked'))!.executionArn;
      expect((await rig.twin.runner.waitForExecution(arn)).status).toBe('SUCCEEDED');
      const deadline = Date.now() + 10_000;
      while (
        !text.includes(`"executionArn":"${arn}","type":"ExecutionSucceeded"`) &&
        Date.now() < deadline
      ) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
    } finally {
      delete process.env.CHUNK_BYTES;
      controller.abort();
    }
    // Children's events are marked, so the list does not take them for executions of its own.
    const events = text
      .split('\n')
      .filter((l) => l.startsWith('data: '))
      .map(
        (l) => JSON.parse(l.slice(6)) as { executionArn: string; type: string; topLevel: boolean },
      );
    const starts = events.filter((e) => e.type === 'ExecutionStarted');
    expect(starts.filter((e) => e.topLevel).map((e) => e.executionArn)).toEqual([
      expect.stringContaining('jobs_chunked'),
    ]);
    expect(starts.filter((e) => !e.topLevel).length).toBeGreaterThan(16);
    const { executions } = await rig.twin.runner.listExecutions({});
    const arn = executions.find((e) => e.name.startsWith('jobs_chunked'))!.executionArn;
    const detail = (await (
      await fetch(`${rig.console.url}/api/execution?arn=${encodeURIComponent(arn)}`, {
        headers: auth(),
      })
    ).json()) as {
      states: { name: string; status: string; mapRunArn?: string; chunks?: { status: string }[] }[];
    };
    const map = detail.states.find((s) => s.name === 'TransformChunksDistributed')!;
    expect(map.status).toBe('succeeded');
    expect(map.mapRunArn).toMatch(/:mapRun:/);
    expect(map.chunks!.length).toBeGreaterThan(16);
    expect(new Set(map.chunks!.map((c) => c.status))).toEqual(new Set(['succeeded']));
  });

  it('names the dataset of a file that failed before any state said it, and answers a bad query as the CLI does', async () => {
    const api = (p: string, body?: unknown) =>
      fetch(`${rig.console.url}${p}`, {
        method: body ? 'POST' : 'GET',
        headers: { ...auth(), ...(body ? { 'content-type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
    const bad = await api('/api/query', { sql: 'SELECT * FROM nope' });
    expect(bad.status).toBe(400);
    const error = (await bad.json()) as { message: string; hint?: string };
    expect(error.message).toMatch(/nope/);
    expect(error.hint).toMatch(/lake tables/);
    expect((await api('/api/table?name=nope')).status).toBe(404);
    expect((await api('/api/nowhere')).status).toBe(404);
  });
});

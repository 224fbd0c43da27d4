// Redrive, orphans and the file store.
// Sources: DG redrive-executions.html (resume at the failed state, same input, succeeded steps not rerun,
// only failed Inline Map iterations and Parallel branches rerun, RedriveCount); API RedriveExecution.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeClock, FileExecutionStore, WorkflowRunner } from '../../src/local/workflow/index.js';
import { finish, lambdaTask, machine, NamedError, runnerFor } from './helpers.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('redrive', () => {
  // DG redrive-executions.html: resume at the failed state with its input; earlier states are not rerun; RedriveCount counts.
  it('resumes at the failed state without rerunning succeeded ones', async () => {
    const calls = { first: 0, second: 0 };
    let broken = true;
    const def = machine({
      First: lambdaTask('first', {
        End: undefined,
        Next: 'Second',
        Assign: { fromFirst: '{% $states.result %}' },
        Output: { v: '{% $states.result %}' },
      }),
      Second: lambdaTask('second', {
        Arguments: {
          input: '{% $states.input %}',
          fromFirst: '{% $fromFirst %}',
          redrives: '{% $states.context.Execution.RedriveCount %}',
        },
      }),
    });
    const runner = runnerFor(def, {
      lambdas: {
        first: async () => ++calls.first,
        second: async (e) => {
          calls.second++;
          if (broken) throw new NamedError('Broken');
          return e;
        },
      },
    });
    const { executionArn } = await runner.startExecution({ input: { a: 1 } });
    expect((await finish(runner, executionArn)).status).toBe('FAILED');
    broken = false;
    await runner.redriveExecution(executionArn);
    const r = await finish(runner, executionArn);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ input: { v: 1 }, fromFirst: 1, redrives: 1 });
    expect(calls).toEqual({ first: 1, second: 2 });
    expect(r.types).toContain('ExecutionRedriven');
    const d = await runner.describeExecution(executionArn);
    expect(d.redriveCount).toBe(1);
    // Event ids continue after the redrive.
    expect(r.events.map((e) => e.id)).toEqual(r.events.map((_, i) => i + 1));
  });

  // API RedriveExecution: a SUCCEEDED execution cannot be redriven.
  it('refuses to redrive a succeeded execution', async () => {
    const runner = runnerFor(machine({ P: { Type: 'Pass', End: true } }));
    const { executionArn } = await runner.startExecution({});
    await runner.waitForExecution(executionArn);
    await expect(runner.redriveExecution(executionArn)).rejects.toThrow(/cannot be redriven/);
  });

  // DG redrive-executions.html: only failed Inline Map iterations rerun.
  it('reruns only failed Map iterations', async () => {
    const seen: number[] = [];
    let fail = true;
    const def = machine({
      M: {
        Type: 'Map',
        Items: [1, 2, 3],
        ItemProcessor: { StartAt: 'T', States: { T: lambdaTask('f') } },
        End: true,
      },
    });
    const runner = runnerFor(def, {
      lambdas: {
        f: async (x) => {
          seen.push(x as number);
          if (fail && x === 2) throw new NamedError('Two');
          return (x as number) * 2;
        },
      },
    });
    const { executionArn } = await runner.startExecution({});
    await runner.waitForExecution(executionArn);
    fail = false;
    await runner.redriveExecution(executionArn);
    const r = await finish(runner, executionArn);
    expect(r.output).toEqual([2, 4, 6]);
    expect(seen.filter((x) => x === 1)).toHaveLength(1);
    expect(seen.filter((x) => x === 2)).toHaveLength(2);
    expect(seen.filter((x) => x === 3)).toHaveLength(1);
  });

  // DG redrive-executions.html: only failed Parallel branches rerun.
  it('reruns only failed Parallel branches', async () => {
    const calls = { a: 0, b: 0 };
    let fail = true;
    const def = machine({
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'A', States: { A: lambdaTask('a') } },
          { StartAt: 'B', States: { B: lambdaTask('b') } },
        ],
        End: true,
      },
    });
    const runner = runnerFor(def, {
      lambdas: {
        a: async () => ++calls.a,
        b: async () => {
          calls.b++;
          if (fail) throw new NamedError('B');
          return 'b';
        },
      },
    });
    const { executionArn } = await runner.startExecution({});
    await runner.waitForExecution(executionArn);
    fail = false;
    await runner.redriveExecution(executionArn);
    const r = await finish(runner, executionArn);
    expect(r.output).toEqual([1, 'b']);
    expect(calls).toEqual({ a: 1, b: 2 });
  });

  // DG redrive-map-run.html: redriving the parent reruns only the failed children of a Distributed Map.
  it('redrives only failed Distributed Map children', async () => {
    const seen: number[] = [];
    let fail = true;
    const def = machine({
      M: {
        Type: 'Map',
        Items: [1, 2, 3],
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'T',
          States: { T: lambdaTask('f') },
        },
        End: true,
      },
    });
    const runner = runnerFor(def, {
      lambdas: {
        f: async (x) => {
          seen.push(x as number);
          if (fail && x === 3) throw new NamedError('Three');
          return x;
        },
      },
    });
    const { executionArn } = await runner.startExecution({});
    expect((await runner.waitForExecution(executionArn)).status).toBe('FAILED');
    fail = false;
    await runner.redriveExecution(executionArn);
    const r = await finish(runner, executionArn);
    expect(r.output).toEqual([1, 2, 3]);
    expect(seen.filter((x) => x === 1)).toHaveLength(1);
    expect(seen.filter((x) => x === 3)).toHaveLength(2);
  });

  // A restarted process: the file store keeps input and progress, abortOrphans marks the lost execution ABORTED, redrive finishes it.
  it('aborts orphans and redrives them after a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wf-store-'));
    dirs.push(dir);
    const def = machine({
      First: lambdaTask('first', { End: undefined, Next: 'Second' }),
      Second: lambdaTask('second'),
    });
    const clock = new FakeClock(0);
    let firstCalls = 0;
    let reached!: () => void;
    const atSecond = new Promise<void>((resolve) => (reached = resolve));
    const crashed = new WorkflowRunner({
      definition: def,
      clock,
      skipValidation: true,
      store: new FileExecutionStore(dir),
      lambdas: {
        first: async () => ++firstCalls,
        second: () => {
          reached();
          return new Promise(() => undefined);
        },
      },
    });
    const { executionArn } = await crashed.startExecution({ name: 'lost', input: { k: 'v' } });
    await atSecond;
    await new Promise((resolve) => setImmediate(resolve));

    const restarted = new WorkflowRunner({
      definition: def,
      clock,
      skipValidation: true,
      store: new FileExecutionStore(dir),
      lambdas: { first: async () => ++firstCalls, second: async (e) => ({ done: e }) },
    });
    expect(await restarted.abortOrphans('process restarted')).toEqual([executionArn]);
    const aborted = await restarted.describeExecution(executionArn);
    expect(aborted).toMatchObject({ status: 'ABORTED', redriveStatus: 'REDRIVABLE' });
    await restarted.redriveExecution(executionArn);
    const r = await finish(restarted, executionArn);
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual({ done: 1 });
    expect(firstCalls).toBe(1);
    expect(r.types).toEqual(
      expect.arrayContaining([
        'ExecutionStarted',
        'ExecutionAborted',
        'ExecutionRedriven',
        'ExecutionSucceeded',
      ]),
    );
    expect(r.events.every((e) => e.timestamp instanceof Date)).toBe(true);
  });
});

// History events and the live subscriber.
// Sources: API GetExecutionHistory (event types and *EventDetails); LS query_language/test_mixed_query_language.snapshot.json.
import { describe, expect, it } from 'vitest';
import type { ExecutionEvent } from '../../src/local/workflow/index.js';
import { lambdaTask, machine, run, runnerFor } from './helpers.js';

describe('history', () => {
  // LS test_mixed_query_language: lambda:invoke writes TaskScheduled/TaskSucceeded and returns {Payload, StatusCode, ...}.
  it('lambda:invoke: Task events and the wrapped result', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Arguments: {
          FunctionName: 'arn:aws:lambda:us-east-1:1:function:f:live',
          Payload: { a: 1 },
        },
        End: true,
      },
    });
    const r = await run(def, {}, { lambdas: { f: async (e) => ({ got: e }) } });
    expect(r.output).toMatchObject({
      Payload: { got: { a: 1 } },
      StatusCode: 200,
      ExecutedVersion: '$LATEST',
    });
    expect(r.types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
      'TaskStarted',
      'TaskSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
    const scheduled = r.events[2]!.taskScheduledEventDetails!;
    expect(scheduled).toMatchObject({ resourceType: 'lambda', resource: 'invoke' });
    expect(JSON.parse(scheduled.parameters!)).toMatchObject({ Payload: { a: 1 } });
  });

  // LS test_mixed_query_language: a plain function ARN writes LambdaFunction* events; the result is the return value.
  it('plain Lambda ARN: LambdaFunction events', async () => {
    const r = await run(machine({ T: lambdaTask('f') }), {}, { lambdas: { f: async () => 7 } });
    expect(r.output).toBe(7);
    expect(r.types).toEqual([
      'ExecutionStarted',
      'TaskStateEntered',
      'LambdaFunctionScheduled',
      'LambdaFunctionStarted',
      'LambdaFunctionSucceeded',
      'TaskStateExited',
      'ExecutionSucceeded',
    ]);
  });

  // API GetExecutionHistory: ids count from 1, each event points at a previous one, payloads are JSON strings.
  it('events have ids, previousEventId, timestamps and JSON payloads', async () => {
    const r = await run(machine({ P: { Type: 'Pass', Output: { x: 1 }, End: true } }), {
      in: true,
    });
    expect(r.events.map((e) => e.id)).toEqual([1, 2, 3, 4]);
    expect(r.events.slice(1).every((e) => e.previousEventId === e.id - 1)).toBe(true);
    expect(r.events[0]!.executionStartedEventDetails!.input).toBe('{"in":true}');
    expect(r.events[2]!.stateExitedEventDetails).toMatchObject({ name: 'P', output: '{"x":1}' });
  });

  // The subscriber sees every event live, named by execution, in id order; unsubscribe stops it.
  it('streams events to subscribers', async () => {
    const runner = runnerFor(
      machine({ A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', End: true } }),
    );
    const seen: ExecutionEvent[] = [];
    const stop = runner.subscribe((e) => seen.push(e));
    const { executionArn } = await runner.startExecution({});
    await runner.waitForExecution(executionArn);
    stop();
    expect(seen.map((e) => e.type)).toEqual([
      'ExecutionStarted',
      'PassStateEntered',
      'PassStateExited',
      'PassStateEntered',
      'PassStateExited',
      'ExecutionSucceeded',
    ]);
    expect(seen.every((e) => e.executionArn === executionArn)).toBe(true);
    const { executionArn: second } = await runner.startExecution({});
    await runner.waitForExecution(second);
    expect(seen.some((e) => e.executionArn === second)).toBe(false);
  });

  // API ListExecutions / DescribeExecution shapes and the status filter.
  it('lists and describes executions', async () => {
    const runner = runnerFor(
      machine({
        C: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.ok %}', Next: 'S' }],
          Default: 'F',
        },
        S: { Type: 'Succeed' },
        F: { Type: 'Fail', Error: 'No' },
      }),
    );
    const a = await runner.startExecution({ input: { ok: true }, name: 'good' });
    const b = await runner.startExecution({ input: '{"ok":false}', name: 'bad' });
    await runner.waitForExecution(a.executionArn);
    await runner.waitForExecution(b.executionArn);
    const failed = await runner.listExecutions({ statusFilter: 'FAILED' });
    expect(failed.executions.map((e) => e.name)).toEqual(['bad']);
    const d = await runner.describeExecution(a.executionArn);
    expect(d).toMatchObject({
      status: 'SUCCEEDED',
      output: '{"ok":true}',
      input: '{"ok":true}',
      redriveCount: 0,
    });
    expect(d.startDate).toBeInstanceOf(Date);
    await expect(runner.startExecution({ name: 'good' })).rejects.toThrow(/already exists/);
  });
});

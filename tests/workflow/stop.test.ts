/** `WorkflowRunner.stopAll`: a process shutting down stops its executions as ABORTED, redrivable, without waiting for handlers. */
import { describe, expect, it } from 'vitest';
import { machine, runnerFor } from './helpers.js';

describe('stopAll', () => {
  it('aborts running executions at once with the cause, records no task failure, and the run redrives', async () => {
    let release: ((v: unknown) => void) | undefined;
    let calls = 0;
    const lambdas = {
      Slow: async (event: unknown) => {
        calls++;
        // The first call never settles on its own (a handler busy when the process stops).
        if (calls === 1) return new Promise((resolve) => (release = resolve));
        return { done: event };
      },
    };
    const definition = machine({
      First: { Type: 'Pass', Output: { n: 1 }, Next: 'Work' },
      Work: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:000000000000:function:Slow',
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 3 }],
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Caught' }],
        End: true,
      },
      Caught: { Type: 'Fail', Error: 'Caught' },
    });
    const runner = runnerFor(definition, { lambdas });
    const { executionArn } = await runner.startExecution({ input: {} });
    while (calls === 0) await new Promise((r) => setTimeout(r, 5));

    expect(await runner.stopAll('the process stopped')).toEqual([executionArn]);
    const stopped = await runner.describeExecution(executionArn);
    expect(stopped).toMatchObject({ status: 'ABORTED', cause: 'the process stopped' });
    const types = (await runner.getExecutionHistory(executionArn)).events.map((e) => e.type);
    expect(types.at(-1)).toBe('ExecutionAborted');
    expect(types).not.toContain('LambdaFunctionFailed');
    expect(types).not.toContain('ExecutionFailed');
    release?.('late'); // the abandoned call settling later changes nothing
    await new Promise((r) => setTimeout(r, 10));
    expect((await runner.describeExecution(executionArn)).status).toBe('ABORTED');

    await runner.redriveExecution(executionArn);
    const done = await runner.waitForExecution(executionArn);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ done: { n: 1 } });
    expect(await runner.stopAll('nothing runs')).toEqual([]);
  });
});

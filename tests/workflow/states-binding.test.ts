// $states: input, result, errorOutput and context, where AWS allows them.
// Sources: SPEC ($states table); DG input-output-contextobject.html;
// LS outputdecl/test_output.snapshot.json and scenarios/test_base_scenarios.snapshot.json.
import { describe, expect, it } from 'vitest';
import { machine, NamedError, run } from './helpers.js';

describe('$states', () => {
  // DG input-output-contextobject.html: Execution, State and StateMachine fields of the context.
  it('exposes the context object', async () => {
    const def = machine({ A: { Type: 'Pass', Output: '{% $states.context %}', End: true } });
    const r = await run(def, { k: 1 });
    const ctx = r.output as Record<string, Record<string, unknown>>;
    expect(ctx.Execution).toMatchObject({ Id: r.executionArn, Input: { k: 1 }, RedriveCount: 0 });
    expect(ctx.Execution!.StartTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(ctx.State).toMatchObject({ Name: 'A' });
    expect(ctx.StateMachine!.Id).toContain(':stateMachine:');
  });

  // LS test_output.snapshot: a Pass state's context has no RetryCount.
  it('Pass has no RetryCount', async () => {
    const def = machine({ A: { Type: 'Pass', Output: '{% $states.context.State %}', End: true } });
    const r = await run(def);
    expect(r.output).not.toHaveProperty('RetryCount');
  });

  // LS test_base_scenarios.snapshot: a Task's RetryCount goes 0, 1, 2, and Arguments is evaluated again on every attempt.
  it('Task Arguments see RetryCount 0, 1, 2', async () => {
    const seen: unknown[] = [];
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
        Arguments: { attempt: '{% $states.context.State.RetryCount %}' },
        Retry: [{ ErrorEquals: ['States.ALL'], MaxAttempts: 2, IntervalSeconds: 1 }],
        End: true,
      },
    });
    const r = await run(
      def,
      {},
      {
        lambdas: {
          f: async (e) => {
            seen.push(e);
            if (seen.length < 3) throw new NamedError('Flaky');
            return 'ok';
          },
        },
      },
    );
    expect(seen).toEqual([{ attempt: 0 }, { attempt: 1 }, { attempt: 2 }]);
    expect(r.output).toBe('ok');
  });

  // SPEC: $states.result is available in a Task's Output and Assign, and both see the same result.
  it('Output and Assign of a Task both see $states.result', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:1:function:f',
        Output: '{% $states.result.v %}',
        Assign: { saved: '{% $states.result.v * 10 %}' },
        Next: 'P',
      },
      P: { Type: 'Pass', Output: { out: '{% $states.input %}', saved: '{% $saved %}' }, End: true },
    });
    const r = await run(def, {}, { lambdas: { f: async () => ({ v: 4 }) } });
    expect(r.output).toEqual({ out: 4, saved: 40 });
  });

  // SPEC: Arguments must not use $states.result (it is not bound there: the reference is undefined).
  it('$states.result is not bound in Arguments', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:1:function:f',
        Arguments: { r: '{% $states.result %}' },
        End: true,
      },
    });
    const r = await run(def, {}, { lambdas: { f: async () => 1 } });
    expect(r.error).toBe('States.QueryEvaluationError');
  });

  // SPEC: $states.errorOutput is available in a Catcher's Output.
  it('$states.errorOutput in a Catcher', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:1:function:f',
        Catch: [
          {
            ErrorEquals: ['States.ALL'],
            Output: { caught: '{% $states.errorOutput.Error %}', input: '{% $states.input %}' },
            Next: 'Done',
          },
        ],
        End: true,
      },
      Done: { Type: 'Succeed' },
    });
    const r = await run(
      def,
      { x: 1 },
      {
        lambdas: {
          f: async () => {
            throw new NamedError('Boom');
          },
        },
      },
    );
    expect(r.output).toEqual({ caught: 'Boom', input: { x: 1 } });
  });
});

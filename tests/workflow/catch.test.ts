// Catch: matching, Output/Assign with $states.errorOutput, and errors that cannot be caught.
// Sources: SPEC "Catch" and "Error names"; LS states_variables/test_error_output.snapshot.json;
// LS error_handling/test_task_service_lambda.snapshot.json.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/local/workflow/index.js';
import { lambdaTask, machine, NamedError, run } from './helpers.js';

class TransientError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

const done = {
  Type: 'Pass',
  Output: { caught: '{% $states.input %}', flag: '{% $exists($flag) ? $flag : null %}' },
  End: true,
} as const;

describe('Catch', () => {
  // Trap 5 / LS test_error_output: a Catcher without Output passes {Error, Cause} and skips the top-level Assign.
  it('without Output passes {Error, Cause} and skips the state Assign', async () => {
    const def = machine({
      T: lambdaTask('f', {
        Assign: { flag: 'top' },
        Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }],
        End: undefined,
        Next: 'Done',
      }),
      Done: done,
    });
    const r = await run(
      def,
      {},
      {
        lambdas: {
          f: async () => {
            throw new NamedError('Boom', 'bad');
          },
        },
      },
    );
    const out = r.output as { caught: { Error: string; Cause: string }; flag: unknown };
    expect(out.flag).toBeNull();
    expect(out.caught.Error).toBe('Boom');
    expect(JSON.parse(out.caught.Cause)).toMatchObject({ errorMessage: 'bad', errorType: 'Boom' });
  });

  // SPEC: a Catcher's Assign runs with $states.errorOutput.
  it('Catcher Assign sees errorOutput', async () => {
    const def = machine({
      T: lambdaTask('f', {
        Catch: [
          {
            ErrorEquals: ['Boom'],
            Assign: { flag: '{% $states.errorOutput.Error %}' },
            Next: 'Done',
          },
        ],
      }),
      Done: done,
    });
    const r = await run(
      def,
      {},
      {
        lambdas: {
          f: async () => {
            throw new NamedError('Boom');
          },
        },
      },
    );
    expect((r.output as { flag: string }).flag).toBe('Boom');
  });

  // DG concepts-error-handling.html: a Lambda error is named by its errorType, i.e. the Error subclass name.
  it('matches an Error subclass by its name', async () => {
    const def = machine({
      T: lambdaTask('f', {
        Catch: [
          { ErrorEquals: ['OtherError'], Next: 'Wrong' },
          { ErrorEquals: ['TransientError'], Output: 'right', Next: 'Done' },
        ],
      }),
      Wrong: { Type: 'Fail', Error: 'Wrong' },
      Done: { Type: 'Succeed' },
    });
    const r = await run(
      def,
      {},
      {
        lambdas: {
          f: async () => {
            throw new TransientError('slow down');
          },
        },
      },
    );
    expect(r.output).toBe('right');
  });

  // SPEC: States.TaskFailed matches every error except States.Timeout.
  it('States.TaskFailed does not catch States.Timeout', async () => {
    const def = machine({
      T: lambdaTask('f', {
        TimeoutSeconds: 1,
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Next: 'Done' }],
      }),
      Done: { Type: 'Succeed' },
    });
    // The handler works for 5 s of (fake) time: the 1 s timeout fires first.
    const clock = new FakeClock(0);
    const r = await run(def, {}, { clock, lambdas: { f: () => clock.sleep(5000) } });
    expect(r.error).toBe('States.Timeout');
    expect(r.cause).toBe('');
  });

  // SPEC: States.TaskFailed does match custom errors.
  it('States.TaskFailed catches a custom error', async () => {
    const def = machine({
      T: lambdaTask('f', {
        Catch: [{ ErrorEquals: ['States.TaskFailed'], Output: 'caught', Next: 'Done' }],
      }),
      Done: { Type: 'Succeed' },
    });
    const r = await run(
      def,
      {},
      {
        lambdas: {
          f: async () => {
            throw new NamedError('Custom');
          },
        },
      },
    );
    expect(r.output).toBe('caught');
  });

  // SPEC: States.DataLimitExceeded and States.Runtime are not caught by States.ALL.
  it('States.ALL does not catch States.DataLimitExceeded', async () => {
    const def = machine({
      T: lambdaTask('f', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Done' }] }),
      Done: { Type: 'Succeed' },
    });
    const r = await run(def, {}, { lambdas: { f: async () => 'x'.repeat(300 * 1024) } });
    expect(r.error).toBe('States.DataLimitExceeded');
  });

  // SPEC: Catch applies to Parallel and Map too, with the failing branch's own error name.
  it('catches a Parallel failure by the branch error name', async () => {
    const def = machine({
      P: {
        Type: 'Parallel',
        Branches: [
          { StartAt: 'F', States: { F: { Type: 'Fail', Error: 'BranchBroke', Cause: 'why' } } },
        ],
        Catch: [
          { ErrorEquals: ['BranchBroke'], Output: '{% $states.errorOutput %}', Next: 'Done' },
        ],
        End: true,
      },
      Done: { Type: 'Succeed' },
    });
    expect((await run(def)).output).toEqual({ Error: 'BranchBroke', Cause: 'why' });
  });
});

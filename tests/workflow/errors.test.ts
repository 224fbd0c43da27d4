// Error names, causes and the events that carry them.
// Sources: SPEC Appendix A; DG concepts-error-handling.html; LS assign/test_assign_base.snapshot.json;
// floci PR #205 (undefined object keys); AWS message "… returned nothing (undefined)".
import { describe, expect, it } from 'vitest';
import { FakeClock, type LambdaContext } from '../../src/local/workflow/index.js';
import { lambdaTask, machine, NamedError, run } from './helpers.js';

describe('errors', () => {
  // Trap 2: an undefined field value fails with States.QueryEvaluationError naming the field.
  it('an undefined field value is a QueryEvaluationError', async () => {
    const r = await run(
      machine({ A: { Type: 'Pass', Output: { v: '{% $states.input.absent %}' }, End: true } }),
    );
    expect(r.error).toBe('States.QueryEvaluationError');
    expect(r.cause).toContain(
      "The JSONata expression '$states.input.absent' specified for the field 'Output/v' returned nothing (undefined).",
    );
    // DG: AWS also writes an EvaluationFailed event with the state and the location.
    const ev = r.events.find((e) => e.type === 'EvaluationFailed')!;
    expect(ev.evaluationFailedEventDetails).toMatchObject({ state: 'A', location: 'Output/v' });
  });

  // Trap 2 (floci PR #205): an undefined key inside a JSONata object constructor is dropped.
  it('an undefined key inside a JSONata object is dropped', async () => {
    const r = await run(
      machine({
        A: { Type: 'Pass', Output: '{% {"a": 1, "b": $states.input.absent} %}', End: true },
      }),
    );
    expect(r.output).toEqual({ a: 1 });
  });

  // A JSONata runtime error is a States.QueryEvaluationError and can be caught.
  it('a JSONata type error is a catchable QueryEvaluationError', async () => {
    const def = machine({
      T: lambdaTask('f', {
        Output: '{% 1 + "a" %}',
        Catch: [{ ErrorEquals: ['States.QueryEvaluationError'], Output: 'caught', Next: 'D' }],
      }),
      D: { Type: 'Succeed' },
    });
    expect((await run(def, {}, { lambdas: { f: async () => 1 } })).output).toBe('caught');
  });

  // SPEC: Fail's Error and Cause may be expressions.
  it('Fail with expression Error and Cause', async () => {
    const r = await run(
      machine({
        F: {
          Type: 'Fail',
          Error: '{% "E_" & $states.input.code %}',
          Cause: '{% "code " & $states.input.code %}',
        },
      }),
      { code: 'X' },
    );
    expect(r).toMatchObject({ status: 'FAILED', error: 'E_X', cause: 'code X' });
  });

  // Trap 9 (LS test_assign_base): a Fail without Error leaves only the cause in ExecutionFailed.
  it('Fail without Error: ExecutionFailed has only a cause', async () => {
    const r = await run(machine({ F: { Type: 'Fail', Cause: 'just a cause' } }));
    const details = r.events.at(-1)!.executionFailedEventDetails!;
    expect(details).toEqual({ cause: 'just a cause' });
  });

  // DG bp-lambda-serviceexception.html: Cause of a Lambda error is the JSON {errorMessage, errorType, requestId, stackTrace}.
  it('a Lambda error cause is the Lambda error JSON', async () => {
    const r = await run(
      machine({ T: lambdaTask('f') }),
      {},
      {
        lambdas: {
          f: async () => {
            throw new NamedError('UnknownDatasetError', 'no contract for x.csv');
          },
        },
      },
    );
    expect(r.error).toBe('UnknownDatasetError');
    const cause = JSON.parse(r.cause!);
    expect(cause).toMatchObject({
      errorMessage: 'no contract for x.csv',
      errorType: 'UnknownDatasetError',
    });
    expect(typeof cause.requestId).toBe('string');
    expect(Array.isArray(cause.stackTrace)).toBe(true);
  });

  // An unknown Task resource fails with a clear message naming it (nothing is silently skipped).
  it('an unknown resource fails clearly', async () => {
    const r = await run(
      machine({ T: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage', End: true } }),
    );
    expect(r.error).toBe('States.Runtime');
    expect(r.cause).toContain(
      "No local integration for Resource 'arn:aws:states:::sqs:sendMessage'",
    );
  });

  // DG: a function that does not exist fails with Lambda.ResourceNotFoundException.
  it('an unregistered Lambda is Lambda.ResourceNotFoundException', async () => {
    const r = await run(machine({ T: lambdaTask('missing') }));
    expect(r.error).toBe('Lambda.ResourceNotFoundException');
  });

  // Handlers get a Lambda-like context; remaining time follows TimeoutSeconds on the clock.
  it('gives handlers a Lambda-like context', async () => {
    const clock = new FakeClock(0);
    let seen: Record<string, unknown> = {};
    const f = async (_e: unknown, ctx: LambdaContext): Promise<string> => {
      const before = ctx.getRemainingTimeInMillis();
      await clock.sleep(1500);
      seen = {
        id: ctx.awsRequestId,
        name: ctx.functionName,
        arn: ctx.invokedFunctionArn,
        before,
        after: ctx.getRemainingTimeInMillis(),
      };
      return 'ok';
    };
    const r = await run(
      machine({ T: lambdaTask('f', { TimeoutSeconds: 10 }) }),
      {},
      { clock, lambdas: { f } },
    );
    expect(r.output).toBe('ok');
    expect(seen).toMatchObject({
      name: 'f',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:f',
      before: 10000,
      after: 8500,
    });
    expect(seen.id).toMatch(/^[0-9a-f-]{36}$/);
  });

  // Other Task resources go through pluggable integrations.
  it('calls a registered integration', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::s3:putObject',
        Arguments: { Bucket: 'b' },
        End: true,
      },
    });
    const r = await run(
      def,
      {},
      {
        integrations: {
          'arn:aws:states:::s3:putObject': async (req) => ({ echoed: req.arguments }),
        },
      },
    );
    expect(r.output).toEqual({ echoed: { Bucket: 'b' } });
    expect(r.types).toContain('TaskScheduled');
  });
});

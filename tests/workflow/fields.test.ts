// Definition checks and field rules of JSONata states.
// Sources: SPEC = https://states-language.net/spec.html (JSONata fields table);
// LS = localstack tests/aws/services/stepfunctions/v2/test_sfn_api_validation.snapshot.json.
import { describe, expect, it } from 'vitest';
import {
  DefinitionError,
  WorkflowRunner,
  type AslDefinition,
} from '../../src/local/workflow/index.js';
import { machine, run } from './helpers.js';

function refusal(definition: AslDefinition): string {
  try {
    new WorkflowRunner({ definition });
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    return (err as Error).message;
  }
  throw new Error('definition was accepted');
}

describe('definition checks', () => {
  // DG transforming-data.html: JSONPath fields are not allowed in JSONata states; AWS message from ValidateStateMachineDefinition.
  it.each(['InputPath', 'OutputPath', 'ResultPath', 'Parameters', 'ResultSelector'])(
    'refuses %s in a JSONata state',
    (field) => {
      const message = refusal(
        machine({
          A: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:1:function:f',
            End: true,
            [field]: field === 'Parameters' || field === 'ResultSelector' ? {} : '$',
          } as never,
        }),
      );
      expect(message).toContain(
        `The QueryLanguage is set to 'JSONata', but field '${field}' is only supported for the 'JSONPath' QueryLanguage at /States/A`,
      );
    },
  );

  // LS test_sfn_api_validation: a JSONPath state inside a JSONata machine is refused with this message.
  it('refuses a downgrade to JSONPath', () => {
    const message = refusal(machine({ A: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } }));
    expect(message).toContain(
      "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine",
    );
  });

  // SPEC: `.$` keys are JSONPath-only.
  it('refuses .$ keys in Output', () => {
    expect(
      refusal(machine({ A: { Type: 'Pass', Output: { 'a.$': '$.x' }, End: true } })),
    ).toContain("'a.$'");
  });

  // DG transforming-data.html: $eval is not supported.
  it('refuses $eval', () => {
    expect(
      refusal(machine({ A: { Type: 'Pass', Output: '{% $eval("1+1") %}', End: true } })),
    ).toContain('$eval');
  });

  // asl-validator understands JSONata and catches graph errors such as a missing Next target.
  it('refuses a Next to a missing state', () => {
    expect(refusal(machine({ A: { Type: 'Pass', Next: 'Nowhere' } }))).toContain('asl-validator');
  });

  // SPEC: states in a JSONPath machine may upgrade to JSONata one by one.
  it('accepts a JSONata state in a JSONPath machine', async () => {
    const def: AslDefinition = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% 1 + 1 %}', End: true } },
    };
    expect((await run(def)).output).toBe(2);
  });
});

describe('Output and Arguments', () => {
  // SPEC: a state without Output passes its input on (Pass, Wait, Choice).
  it('Pass without Output passes the input', async () => {
    expect((await run(machine({ A: { Type: 'Pass', End: true } }), { a: 1 })).output).toEqual({
      a: 1,
    });
  });

  // SPEC: Output may be an object/array template whose strings are expressions, evaluated in place.
  it('evaluates expressions nested in an Output template', async () => {
    const def = machine({
      A: {
        Type: 'Pass',
        Output: { sum: '{% $states.input.a + 1 %}', list: ['{% "x" %}', 2], lit: 'plain' },
        End: true,
      },
    });
    expect((await run(def, { a: 1 })).output).toEqual({ sum: 2, list: ['x', 2], lit: 'plain' });
  });

  // SPEC: without Arguments, a Task receives the state input; with a plain Lambda ARN the result is the return value.
  it('a Task without Arguments sends the state input', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:lambda:us-east-1:123456789012:function:echo',
        End: true,
      },
    });
    const r = await run(def, { hello: 'world' }, { lambdas: { echo: async (e) => ({ got: e }) } });
    expect(r.output).toEqual({ got: { hello: 'world' } });
  });
});

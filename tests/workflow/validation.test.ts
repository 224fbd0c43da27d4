// What the runner's definition check accepts and refuses in JSONata states, field by field.
// Sources: CDK = aws-cdk-lib JsonataCommonOptions ("The output field accepts any JSON value");
// ASLS = aws/amazon-states-language-service src/json-schema (AWS's own editor schema);
// LS = localstack snapshot test_base_output_any_non_dict (a string Output runs to success on AWS).
import { describe, expect, it } from 'vitest';
import {
  DefinitionError,
  FakeClock,
  WorkflowRunner,
  type AslDefinition,
  type AslState,
} from '../../src/local/workflow/index.js';
import { finish, machine } from './helpers.js';

/** A runner with the full check (asl-validator's schema pass included), as the twin builds it. */
function checkedRunner(definition: AslDefinition, lambdas = {}): WorkflowRunner {
  return new WorkflowRunner({ definition, clock: new FakeClock(), lambdas });
}

function refusal(definition: AslDefinition): string {
  try {
    checkedRunner(definition);
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    return (err as Error).message;
  }
  throw new Error('definition was accepted');
}

async function runChecked(definition: AslDefinition, input: unknown = {}, lambdas = {}) {
  const runner = checkedRunner(definition, lambdas);
  const { executionArn } = await runner.startExecution({ input });
  return finish(runner, executionArn);
}

const FN = 'arn:aws:lambda:us-east-1:123456789012:function:echo';
const echo = { echo: async (e: unknown) => e };

describe('literal Output (CDK: any JSON value; LS test_base_output_any_non_dict)', () => {
  it('runs a Pass state whose Output is "done" to success', async () => {
    const r = await runChecked(machine({ A: { Type: 'Pass', Output: 'done', End: true } }));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toBe('done');
  });

  it.each<[string, unknown]>([
    ['a number', 42],
    ['a decimal', 1.5],
    ['true', true],
    ['false', false],
    ['null', null],
    ['an array without {% %}', [1, 'two', [3], { four: 4 }]],
    ['an empty string', ''],
    ['an empty object', {}],
    ['an object with empty strings and nested arrays', { a: '', b: [[1, 2], []], c: { d: null } }],
  ])('accepts and outputs %s', async (_label, value) => {
    const r = await runChecked(machine({ A: { Type: 'Pass', Output: value, End: true } }));
    expect(r.status).toBe('SUCCEEDED');
    expect(r.output).toEqual(value);
  });

  it('accepts a literal Output on Task, Wait, Choice, Map and Parallel states and on a Catcher', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: FN,
        Output: 'from task',
        Catch: [{ ErrorEquals: ['States.ALL'], Output: 7, Next: 'W' }],
        Next: 'W',
      },
      W: { Type: 'Wait', Seconds: 0, Output: ['wait'], Next: 'C' },
      C: {
        Type: 'Choice',
        Choices: [{ Condition: '{% true %}', Output: 'chosen', Next: 'M' }],
        Output: false,
      },
      M: {
        Type: 'Map',
        Items: [1, 2],
        ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', Output: 0, End: true } } },
        Output: 'mapped',
        Next: 'P',
      },
      P: {
        Type: 'Parallel',
        Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', Output: null, End: true } } }],
        Output: 'done',
        End: true,
      },
    });
    const r = await runChecked(def, {}, echo);
    expect(r.status, r.cause).toBe('SUCCEEDED');
    expect(r.output).toBe('done');
  });

  it('accepts a literal Output in a JSONata state of a JSONPath machine', async () => {
    const def: AslDefinition = {
      StartAt: 'A',
      States: { A: { Type: 'Pass', QueryLanguage: 'JSONata', Output: 'done', End: true } },
    };
    expect((await runChecked(def)).output).toBe('done');
  });

  it('still refuses Output on a Fail state (SPEC: every state except Fail)', () => {
    expect(refusal(machine({ F: { Type: 'Fail', Error: 'E', Output: 'x' } }))).toContain(
      'asl-validator',
    );
  });

  it('accepts a multi-line expression and one without inner spaces', async () => {
    const def = machine({
      A: { Type: 'Pass', Output: '{%\n  1 +\n  1\n%}', Next: 'B' },
      B: { Type: 'Pass', Output: '{%$states.input * 2%}', End: true },
    });
    expect((await runChecked(def)).output).toBe(4);
  });
});

describe('literal Arguments (ASLS: an object or a JSONata string)', () => {
  it('sends a literal object with literal values of every JSON type', async () => {
    const args = { s: 'plain', e: '', n: 1, b: false, z: null, list: [[1], 'x'], o: { p: [] } };
    const def = machine({ T: { Type: 'Task', Resource: FN, Arguments: args, End: true } });
    const r = await runChecked(def, {}, echo);
    expect(r.status, r.cause).toBe('SUCCEEDED');
    expect(r.output).toEqual(args);
  });

  it('sends what a JSONata string Arguments evaluates to', async () => {
    const def = machine({
      T: { Type: 'Task', Resource: FN, Arguments: '{% {"x": $states.input.a} %}', End: true },
    });
    expect((await runChecked(def, { a: 3 }, echo)).output).toEqual({ x: 3 });
  });

  it.each<[string, unknown]>([
    ['a plain string', 'done'],
    ['a number', 1],
    ['an array', [1]],
    ['null', null],
  ])('refuses %s', (_label, value) => {
    const message = refusal(
      machine({ T: { Type: 'Task', Resource: FN, Arguments: value, End: true } }),
    );
    expect(message).toContain(
      "The value for the field 'Arguments' must be a JSON object or a JSONata expression",
    );
    expect(message).toContain('/States/T');
  });
});

describe('Assign (ASLS: an object; its values any JSON value)', () => {
  it('assigns literal values of every JSON type', async () => {
    const def = machine({
      A: {
        Type: 'Pass',
        Assign: { s: 'x', e: '', n: 2, b: true, z: null, l: [[1]], o: {} },
        Next: 'B',
      },
      B: {
        Type: 'Pass',
        Output: '{% {"s": $s, "e": $e, "n": $n, "b": $b, "z": $z, "l": $l, "o": $o} %}',
        End: true,
      },
    });
    expect((await runChecked(def)).output).toEqual({
      s: 'x',
      e: '',
      n: 2,
      b: true,
      z: null,
      l: [[1]],
      o: {},
    });
  });

  it('refuses an Assign that is not an object', () => {
    expect(refusal(machine({ A: { Type: 'Pass', Assign: 'x' as never, End: true } }))).toContain(
      "The value for the field 'Assign' must be a JSON object at /States/A",
    );
  });
});

/** A Map state around a trivial processor. */
function mapState(fields: Partial<AslState>): AslState {
  return {
    Type: 'Map',
    ItemProcessor: { StartAt: 'I', States: { I: { Type: 'Pass', End: true } } },
    End: true,
    ...fields,
  };
}

describe('Map fields (ASLS)', () => {
  it('accepts literal ItemSelector values (any JSON value)', async () => {
    const def = machine({ M: mapState({ Items: [1, 2], ItemSelector: 'same' }) });
    expect((await runChecked(def)).output).toEqual(['same', 'same']);
  });

  it.each<[string, Partial<AslState>]>([
    ['Items as a JSON array', { Items: [[1], []] }],
    ['Items as a JSONata string', { Items: '{% [1, 2] %}' }],
    ['MaxConcurrency as an integer', { Items: [1], MaxConcurrency: 2 }],
    ['MaxConcurrency as a JSONata string', { Items: [1], MaxConcurrency: '{% 2 %}' }],
    ['ToleratedFailureCount 0', { Items: [1], ToleratedFailureCount: 0 }],
    ['ToleratedFailurePercentage 5.5', { Items: [1], ToleratedFailurePercentage: 5.5 }],
  ])('accepts %s', async (_label, fields) => {
    const r = await runChecked(machine({ M: mapState(fields) }));
    expect(r.status, r.cause).toBe('SUCCEEDED');
  });

  it.each<[string, Partial<AslState>, string]>([
    [
      'ItemReader Arguments as a string',
      { ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Arguments: 'b/k' } },
      "'ItemReader/Arguments' must be a JSON object or a JSONata expression",
    ],
    [
      'ReaderConfig MaxItems -1',
      {
        ItemReader: {
          Resource: 'arn:aws:states:::s3:getObject',
          Arguments: { Bucket: 'b', Key: 'k' },
          ReaderConfig: { InputType: 'JSON', MaxItems: -1 },
        },
      },
      "'ItemReader/ReaderConfig/MaxItems' must be a non-negative integer",
    ],
    [
      'MaxItemsPerBatch 0',
      { Items: [1], ItemBatcher: { MaxItemsPerBatch: 0 } },
      "'ItemBatcher/MaxItemsPerBatch' must be a positive integer",
    ],
    [
      'Items as an object',
      { Items: { a: 1 } },
      "'Items' must be a JSON array or a JSONata expression",
    ],
    [
      'Items as a plain string',
      { Items: 'abc' },
      "'Items' must be a JSON array or a JSONata expression",
    ],
    [
      'MaxConcurrency 2.5',
      { MaxConcurrency: 2.5 },
      "'MaxConcurrency' must be a non-negative integer or a JSONata expression",
    ],
    [
      'MaxConcurrency -1',
      { MaxConcurrency: -1 },
      "'MaxConcurrency' must be a non-negative integer or a JSONata expression",
    ],
    [
      'MaxConcurrency "2"',
      { MaxConcurrency: '2' },
      "'MaxConcurrency' must be a non-negative integer or a JSONata expression",
    ],
    [
      'ToleratedFailureCount 1.5',
      { ToleratedFailureCount: 1.5 },
      "'ToleratedFailureCount' must be a non-negative integer",
    ],
    [
      'ToleratedFailurePercentage 101',
      { ToleratedFailurePercentage: 101 },
      "'ToleratedFailurePercentage' must be a number from 0 to 100",
    ],
  ])('refuses %s', (_label, fields, text) => {
    const message = refusal(machine({ M: mapState(fields) }));
    expect(message).toContain(text);
    expect(message).toContain('/States/M');
  });
});

describe('Task, Wait, Choice and Fail fields (ASLS; SPEC)', () => {
  it.each<[string, Partial<AslState>, string]>([
    ['TimeoutSeconds 0', { TimeoutSeconds: 0 }, "'TimeoutSeconds' must be a positive integer"],
    ['TimeoutSeconds 1.5', { TimeoutSeconds: 1.5 }, "'TimeoutSeconds' must be a positive integer"],
    [
      'HeartbeatSeconds "x"',
      { HeartbeatSeconds: 'x' },
      "'HeartbeatSeconds' must be a positive integer",
    ],
    [
      'HeartbeatSeconds not below TimeoutSeconds',
      { TimeoutSeconds: 5, HeartbeatSeconds: 5 },
      "'HeartbeatSeconds' must be smaller than 'TimeoutSeconds'",
    ],
  ])('refuses a Task with %s', (_label, fields, text) => {
    const message = refusal(machine({ T: { Type: 'Task', Resource: FN, End: true, ...fields } }));
    expect(message).toContain(text);
  });

  it('accepts Task timeouts as integers or JSONata strings', async () => {
    const def = machine({
      T: { Type: 'Task', Resource: FN, TimeoutSeconds: '{% 10 %}', HeartbeatSeconds: 5, End: true },
    });
    expect((await runChecked(def, { a: 1 }, echo)).status).toBe('SUCCEEDED');
  });

  it('refuses a Wait whose Seconds is negative or whose Timestamp is not RFC 3339', () => {
    expect(refusal(machine({ W: { Type: 'Wait', Seconds: -1, End: true } }))).toContain(
      "'Seconds' must be a non-negative integer (at most 99999999) or a JSONata expression",
    );
    expect(refusal(machine({ W: { Type: 'Wait', Timestamp: 'tomorrow', End: true } }))).toContain(
      "'Timestamp' must be an RFC 3339 timestamp or a JSONata expression",
    );
  });

  it('accepts a literal boolean Condition and refuses a string that is not JSONata', async () => {
    const def = machine({
      C: { Type: 'Choice', Choices: [{ Condition: true, Next: 'Y' }], Default: 'N' },
      Y: { Type: 'Pass', Output: 'yes', End: true },
      N: { Type: 'Pass', Output: 'no', End: true },
    });
    expect((await runChecked(def)).output).toBe('yes');
    const bad = structuredClone(def);
    bad.States.C!.Choices![0]!.Condition = 'true';
    expect(refusal(bad)).toContain(
      "'Condition' must be a boolean or a JSONata expression at /States/C/Choices[0]",
    );
  });

  it('refuses a Fail whose Error is empty or not a string', () => {
    expect(refusal(machine({ F: { Type: 'Fail', Error: '' } }))).toContain(
      "'Error' must be a non-empty string",
    );
    expect(refusal(machine({ F: { Type: 'Fail', Cause: 3 } }))).toContain(
      "'Cause' must be a non-empty string",
    );
  });

  it('refuses a JSONata expression that does not compile, naming the field', () => {
    expect(
      refusal(machine({ A: { Type: 'Pass', Output: { x: '{% 1 + %}' }, End: true } })),
    ).toContain("The value for the field 'Output/x' must be a valid JSONata expression");
  });

  it('still refuses what asl-validator catches: a Next to a missing state', () => {
    expect(refusal(machine({ A: { Type: 'Pass', Output: 'done', Next: 'Nowhere' } }))).toContain(
      'asl-validator',
    );
  });
});

describe('cost', () => {
  it('checks a definition it has seen before from its cache', () => {
    const def = machine({ A: { Type: 'Pass', Output: 'cached', End: true } });
    checkedRunner(def);
    const started = performance.now();
    for (let i = 0; i < 20; i++) checkedRunner(structuredClone(def));
    expect((performance.now() - started) / 20).toBeLessThan(5);
  });
});

// Workflow variables (Assign) and their scope.
// Sources: SPEC "Variables" and "Variable scope"; LS assign/test_assign_reference_variables.snapshot.json;
// DG workflow-variables.html; KIT processing-state-inputs-and-outputs.md (Distributed Map).
import { describe, expect, it } from 'vitest';
import { DefinitionError, WorkflowRunner } from '../../src/local/workflow/index.js';
import { machine, run } from './helpers.js';

describe('Assign', () => {
  // SPEC: Assign evaluates every value with state-entry variables, then assigns: a swap works.
  it('swaps two variables in one Assign', async () => {
    const def = machine({
      A: { Type: 'Pass', Assign: { a: 1, b: 2 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { a: '{% $b %}', b: '{% $a %}' }, Next: 'C' },
      C: { Type: 'Pass', Output: ['{% $a %}', '{% $b %}'], End: true },
    });
    expect((await run(def)).output).toEqual([2, 1]);
  });

  // Trap 1 (LS test_assign_reference_variables: $answer read 42 though the same state assigned "<omitted>"): Output sees entry values.
  it('Output does not see the same state Assign', async () => {
    const def = machine({
      A: { Type: 'Pass', Assign: { answer: 42 }, Next: 'B' },
      B: { Type: 'Pass', Assign: { answer: '<omitted>' }, Output: '{% $answer %}', Next: 'C' },
      C: { Type: 'Pass', Output: ['{% $states.input %}', '{% $answer %}'], End: true },
    });
    expect((await run(def)).output).toEqual([42, '<omitted>']);
  });

  // SPEC: assigned variables are listed in the StateExited event (assignedVariables as JSON strings).
  it('records assignedVariables in the exit event', async () => {
    const r = await run(machine({ A: { Type: 'Pass', Assign: { n: 1, s: 'x' }, End: true } }));
    const exit = r.events.find((e) => e.type === 'PassStateExited')!;
    expect(exit.stateExitedEventDetails?.assignedVariables).toEqual({ n: '1', s: '"x"' });
  });
});

describe('scope', () => {
  // SPEC: a Map iteration reads outer variables; its own variables vanish when it ends.
  it('Map iterations read outer variables, their own do not leak', async () => {
    const def = machine({
      A: { Type: 'Pass', Assign: { factor: 3 }, Next: 'M' },
      M: {
        Type: 'Map',
        Items: '{% [1, 2] %}',
        ItemProcessor: {
          StartAt: 'I',
          States: {
            I: { Type: 'Pass', Assign: { inner: '{% $states.input %}' }, Next: 'J' },
            J: { Type: 'Pass', Output: '{% $inner * $factor %}', End: true },
          },
        },
        Next: 'After',
      },
      After: {
        Type: 'Pass',
        Output: { results: '{% $states.input %}', leaked: '{% $exists($inner) %}' },
        End: true,
      },
    });
    expect((await run(def)).output).toEqual({ results: [3, 6], leaked: false });
  });

  // SPEC: Parallel branches are sibling scopes: one branch's variables are invisible to another.
  it('Parallel branches are isolated', async () => {
    const def = machine({
      P: {
        Type: 'Parallel',
        Branches: [
          {
            StartAt: 'B1',
            States: {
              B1: { Type: 'Pass', Assign: { mine: 1 }, Next: 'B1b' },
              B1b: { Type: 'Pass', Output: '{% $mine %}', End: true },
            },
          },
          {
            StartAt: 'B2',
            States: { B2: { Type: 'Pass', Output: '{% $exists($mine) %}', End: true } },
          },
        ],
        End: true,
      },
    });
    expect((await run(def)).output).toEqual([1, false]);
  });

  // SPEC: an inner scope must not assign a variable that exists outside it (refused up front).
  it('refuses an inner Assign of an outer variable', () => {
    const def = machine({
      A: { Type: 'Pass', Assign: { x: 1 }, Next: 'M' },
      M: {
        Type: 'Map',
        Items: [1],
        ItemProcessor: {
          StartAt: 'I',
          States: { I: { Type: 'Pass', Assign: { x: 2 }, End: true } },
        },
        End: true,
      },
    });
    expect(() => new WorkflowRunner({ definition: def, skipValidation: true })).toThrow(
      DefinitionError,
    );
  });

  // KIT: Distributed Map children cannot read the parent's variables.
  it('Distributed Map children do not see outer variables', async () => {
    const def = machine({
      A: { Type: 'Pass', Assign: { secret: 1 }, Next: 'M' },
      M: {
        Type: 'Map',
        Items: [1],
        ItemProcessor: {
          ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
          StartAt: 'I',
          States: { I: { Type: 'Pass', Output: '{% $exists($secret) %}', End: true } },
        },
        End: true,
      },
    });
    expect((await run(def)).output).toEqual([false]);
  });
});

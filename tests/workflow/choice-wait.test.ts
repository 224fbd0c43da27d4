// Choice and Wait.
// Sources: DG state-choice.html, state-wait.html; SPEC Choice (JSONata Condition); localstack #12048, #12061.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/local/workflow/index.js';
import { machine, run } from './helpers.js';

const choice = machine({
  C: {
    Type: 'Choice',
    Choices: [
      {
        Condition: '{% $states.input.n > 10 %}',
        Next: 'Big',
        Output: { size: 'big' },
        Assign: { picked: 'rule' },
      },
      { Condition: '{% $states.input.n > 5 %}', Next: 'Big' },
    ],
    Default: 'Small',
    Output: { size: 'state-level' },
    Assign: { picked: 'state' },
  },
  Big: { Type: 'Pass', Output: { in: '{% $states.input %}', picked: '{% $picked %}' }, End: true },
  Small: {
    Type: 'Pass',
    Output: { in: '{% $states.input %}', picked: '{% $picked %}' },
    End: true,
  },
});

describe('Choice', () => {
  // Trap 6 (localstack #12048/#12061): a matching rule's Output/Assign take the place of the state's.
  it('a matched rule uses its own Output and Assign', async () => {
    expect((await run(choice, { n: 20 })).output).toEqual({ in: { size: 'big' }, picked: 'rule' });
  });

  // A rule without Output/Assign falls back to the state-level ones.
  it('a matched rule without its own fields uses the state-level ones', async () => {
    expect((await run(choice, { n: 7 })).output).toEqual({
      in: { size: 'state-level' },
      picked: 'state',
    });
  });

  // DG state-choice.html: no match goes to Default.
  it('goes to Default when nothing matches', async () => {
    expect((await run(choice, { n: 1 })).output).toEqual({
      in: { size: 'state-level' },
      picked: 'state',
    });
  });

  // SPEC: no match and no Default is States.NoChoiceMatched.
  it('fails with States.NoChoiceMatched without Default', async () => {
    const def = machine({
      C: { Type: 'Choice', Choices: [{ Condition: '{% false %}', Next: 'X' }] },
      X: { Type: 'Succeed' },
    });
    expect((await run(def)).error).toBe('States.NoChoiceMatched');
  });

  // SPEC: Condition must be a boolean.
  it('a non-boolean Condition is a QueryEvaluationError', async () => {
    const def = machine({
      C: { Type: 'Choice', Choices: [{ Condition: '{% "yes" %}', Next: 'X' }] },
      X: { Type: 'Succeed' },
    });
    expect((await run(def)).error).toBe('States.QueryEvaluationError');
  });
});

describe('Wait', () => {
  // DG state-wait.html: Seconds waits that long; on a fake clock a day passes at once.
  it('waits Seconds on the clock', async () => {
    const clock = new FakeClock(0);
    const def = machine({
      W: { Type: 'Wait', Seconds: '{% $states.input.s %}', Next: 'P' },
      P: { Type: 'Pass', Output: '{% $states.context.State.EnteredTime %}', End: true },
    });
    const r = await run(def, { s: 86400 }, { clock });
    expect(r.output).toBe('1970-01-02T00:00:00.000Z');
  });

  // DG state-wait.html: Timestamp waits until that time (RFC 3339).
  it('waits until a Timestamp', async () => {
    const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
    const def = machine({ W: { Type: 'Wait', Timestamp: '2024-01-01T06:30:00Z', End: true } });
    await run(def, {}, { clock });
    expect(new Date(clock.now()).toISOString()).toBe('2024-01-01T06:30:00.000Z');
  });

  // A Timestamp in the past does not wait.
  it('a past Timestamp does not wait', async () => {
    const clock = new FakeClock(Date.parse('2024-01-01T00:00:00Z'));
    await run(
      machine({ W: { Type: 'Wait', Timestamp: '2020-01-01T00:00:00Z', End: true } }),
      {},
      { clock },
    );
    expect(clock.now()).toBe(Date.parse('2024-01-01T00:00:00Z'));
  });

  // SPEC: Seconds must be a non-negative integer.
  it('refuses negative Seconds', async () => {
    expect(
      (await run(machine({ W: { Type: 'Wait', Seconds: '{% -1 %}', End: true } }))).error,
    ).toBe('States.QueryEvaluationError');
  });
});

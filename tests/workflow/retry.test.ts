// Retry: matching order, attempts, backoff, caps and jitter.
// Sources: SPEC "Retrying after error"; DG concepts-error-handling.html.
import { describe, expect, it } from 'vitest';
import { FakeClock } from '../../src/local/workflow/index.js';
import { retryDelayMs } from '../../src/local/workflow/errorHandling.js';
import type { AslRetrier } from '../../src/local/workflow/types.js';
import { lambdaTask, machine, NamedError, run } from './helpers.js';

/** A handler failing with the given error names in turn, then returning 'ok'; records call times. */
function flaky(
  clock: FakeClock,
  names: string[],
): { handler: () => Promise<string>; times: number[] } {
  const times: number[] = [];
  return {
    times,
    handler: async () => {
      times.push(clock.now());
      const name = names[times.length - 1];
      if (name) throw new NamedError(name);
      return 'ok';
    },
  };
}

describe('Retry', () => {
  // SPEC: IntervalSeconds × BackoffRate^n between attempts (defaults 1 s, 2.0, MaxAttempts 3).
  it('waits IntervalSeconds * BackoffRate^n between attempts', async () => {
    const clock = new FakeClock(0);
    const f = flaky(clock, ['E', 'E', 'E']);
    const def = machine({
      T: lambdaTask('f', { Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 2, BackoffRate: 3 }] }),
    });
    const r = await run(def, {}, { clock, lambdas: { f: f.handler } });
    expect(r.output).toBe('ok');
    expect(f.times).toEqual([0, 2000, 8000, 26000]);
  });

  // SPEC: defaults are IntervalSeconds 1, BackoffRate 2, MaxAttempts 3: the 4th failure goes through.
  it('defaults allow three retries', async () => {
    const clock = new FakeClock(0);
    const f = flaky(clock, ['E', 'E', 'E', 'E']);
    const r = await run(
      machine({ T: lambdaTask('f', { Retry: [{ ErrorEquals: ['E'] }] }) }),
      {},
      { clock, lambdas: { f: f.handler } },
    );
    expect(r.error).toBe('E');
    expect(f.times).toEqual([0, 1000, 3000, 7000]);
  });

  // SPEC: MaxAttempts 0 means the error is never retried.
  it('MaxAttempts 0 never retries', async () => {
    const clock = new FakeClock(0);
    const f = flaky(clock, ['E']);
    const r = await run(
      machine({ T: lambdaTask('f', { Retry: [{ ErrorEquals: ['E'], MaxAttempts: 0 }] }) }),
      {},
      { clock, lambdas: { f: f.handler } },
    );
    expect(r.error).toBe('E');
    expect(f.times).toHaveLength(1);
  });

  // SPEC: the first retrier whose ErrorEquals matches applies; once exhausted, later retriers are not tried.
  it('an exhausted retrier does not fall through to a later one', async () => {
    const clock = new FakeClock(0);
    const f = flaky(clock, ['E', 'E']);
    const def = machine({
      T: lambdaTask('f', {
        Retry: [
          { ErrorEquals: ['E'], MaxAttempts: 1 },
          { ErrorEquals: ['States.ALL'], MaxAttempts: 5 },
        ],
      }),
    });
    const r = await run(def, {}, { clock, lambdas: { f: f.handler } });
    expect(r.error).toBe('E');
    expect(f.times).toHaveLength(2);
  });

  // SPEC: each retrier counts its own attempts.
  it('each retrier keeps its own count', async () => {
    const clock = new FakeClock(0);
    const f = flaky(clock, ['A', 'B', 'A', 'B']);
    const def = machine({
      T: lambdaTask('f', {
        Retry: [
          { ErrorEquals: ['A'], MaxAttempts: 2 },
          { ErrorEquals: ['B'], MaxAttempts: 2 },
        ],
      }),
    });
    const r = await run(def, {}, { clock, lambdas: { f: f.handler } });
    expect(r.output).toBe('ok');
    expect(f.times).toHaveLength(5);
  });

  // DG concepts-error-handling.html: MaxDelaySeconds caps the interval.
  it('MaxDelaySeconds caps the wait', async () => {
    const clock = new FakeClock(0);
    const f = flaky(clock, ['E', 'E', 'E']);
    const def = machine({
      T: lambdaTask('f', {
        Retry: [{ ErrorEquals: ['E'], IntervalSeconds: 10, BackoffRate: 10, MaxDelaySeconds: 15 }],
      }),
    });
    await run(def, {}, { clock, lambdas: { f: f.handler } });
    expect(f.times).toEqual([0, 10000, 25000, 40000]);
  });

  // DG concepts-error-handling.html: JitterStrategy FULL waits a random time between 0 and the computed delay.
  it('FULL jitter stays within the computed delay', () => {
    const retrier: AslRetrier = {
      ErrorEquals: ['E'],
      IntervalSeconds: 4,
      BackoffRate: 2,
      JitterStrategy: 'FULL',
    };
    expect(retryDelayMs(retrier, 1, () => 0.5)).toBe(4000);
    expect(retryDelayMs(retrier, 1, () => 0)).toBe(0);
    expect(retryDelayMs({ ...retrier, JitterStrategy: 'NONE' }, 1, () => 0.5)).toBe(8000);
  });

  // SPEC: States.Runtime is never retried, even by States.ALL.
  it('States.Runtime is not retried', async () => {
    const def = machine({
      T: {
        Type: 'Task',
        Resource: 'arn:aws:states:::nothing:here',
        Retry: [{ ErrorEquals: ['States.ALL'] }],
        End: true,
      },
    });
    const r = await run(def);
    expect(r.error).toBe('States.Runtime');
    expect(r.types.filter((t) => t === 'TaskScheduled')).toHaveLength(1);
  });
});

// Payload limits and the Step Functions JSONata functions.
// Sources: DG service-quotas.html (256 KiB); DG transforming-data.html and LS intrinsic_functions/*_jsonata snapshots;
// floci #2669 (number formatting).
import { describe, expect, it } from 'vitest';
import { WorkflowApiError } from '../../src/local/workflow/index.js';
import { lambdaTask, machine, run, runnerFor } from './helpers.js';

const evalOf = async (expr: string, input: unknown = {}): Promise<unknown> =>
  (await run(machine({ P: { Type: 'Pass', Output: `{% ${expr} %}`, End: true } }), input)).output;

describe('limits', () => {
  // DG service-quotas.html: an execution input over 256 KiB is refused by StartExecution.
  it('refuses an execution input over 256 KiB', async () => {
    const runner = runnerFor(machine({ P: { Type: 'Pass', End: true } }));
    await expect(
      runner.startExecution({ input: { big: 'x'.repeat(256 * 1024) } }),
    ).rejects.toBeInstanceOf(WorkflowApiError);
  });

  // DG service-quotas.html: a state output over 256 KiB fails with States.DataLimitExceeded.
  it('fails a state output over 256 KiB', async () => {
    const r = await run(
      machine({ P: { Type: 'Pass', Output: '{% $join([1..30000].("abcdefghij")) %}', End: true } }),
    );
    expect(r.error).toBe('States.DataLimitExceeded');
  });

  // SPEC: DataLimitExceeded is not retried.
  it('does not retry DataLimitExceeded', async () => {
    let calls = 0;
    const r = await run(
      machine({ T: lambdaTask('f', { Retry: [{ ErrorEquals: ['States.ALL'] }] }) }),
      {},
      {
        lambdas: {
          f: async () => {
            calls++;
            return 'y'.repeat(300 * 1024);
          },
        },
      },
    );
    expect(r.error).toBe('States.DataLimitExceeded');
    expect(calls).toBe(1);
  });
});

describe('functions', () => {
  // DG transforming-data.html: $partition([0,1,2],2) = [[0,1],[2]].
  it('$partition', async () =>
    expect(await evalOf('$partition([0,1,2], 2)')).toEqual([[0, 1], [2]]));
  // LS jsonata snapshots: $range end is inclusive; one value comes back as a scalar.
  it('$range', async () => {
    expect(await evalOf('$range(0, 9, 3)')).toEqual([0, 3, 6, 9]);
    expect(await evalOf('$range(1, 9, 9)')).toBe(1);
  });
  // DG: $hash with SHA-256 (hex).
  it('$hash', async () =>
    expect(await evalOf('$hash("abc", "SHA-256")')).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    ));
  // DG: $random([seed]) is in [0,1) and repeatable with a seed.
  it('$random', async () => {
    const [a, b] = (await evalOf('[$random(7), $random(7)]')) as number[];
    expect(a).toBe(b);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(1);
  });
  // DG: $uuid() is a v4 UUID.
  it('$uuid', async () =>
    expect(await evalOf('$uuid()')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    ));
  // DG: $parse parses a JSON string.
  it('$parse', async () =>
    expect(await evalOf('$parse($states.input.s)', { s: '{"a":[1]}' })).toEqual({ a: [1] }));
  // LS: there is no $randomSeeded; calling it fails (T1006).
  it('$randomSeeded does not exist', async () => {
    const r = await run(
      machine({ P: { Type: 'Pass', Output: '{% $randomSeeded(1) %}', End: true } }),
    );
    expect(r.cause).toContain('T1006');
  });
  // Trap 10 (floci #2669): $string(1e20) keeps all digits.
  it('$string(1e20)', async () =>
    expect(await evalOf('$string(1e20)')).toBe('100000000000000000000'));
});

// Distributed Map: child executions, bounded concurrency, failure threshold.
// Sources: DG state-map-distributed.html, redrive-map-run.html; SPEC Map (DISTRIBUTED); KIT asl-state-types.md.
import { describe, expect, it } from 'vitest';
import { machine, NamedError, run } from './helpers.js';

const distributed = (extra: Record<string, unknown> = {}) =>
  machine({
    M: {
      Type: 'Map',
      Items: '{% $states.input.items %}',
      ItemProcessor: {
        ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
        StartAt: 'T',
        States: {
          T: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:1:function:f', End: true },
        },
      },
      End: true,
      ...extra,
    },
  });

describe('Distributed Map', () => {
  // DG state-map-distributed.html: each item runs as a child execution with its own history, under a Map Run.
  it('runs items as child executions', async () => {
    const r = await run(
      distributed(),
      { items: [1, 2, 3] },
      { lambdas: { f: async (x) => (x as number) * 10 } },
    );
    expect(r.output).toEqual([10, 20, 30]);
    expect(r.types).toEqual(expect.arrayContaining(['MapRunStarted', 'MapRunSucceeded']));
    expect(r.types).not.toContain('TaskStateEntered');
    const mapRunArn = r.events.find((e) => e.type === 'MapRunStarted')!.mapRunStartedEventDetails!
      .mapRunArn!;
    expect(mapRunArn).toContain(':mapRun:');
    const children = await r.runner.listExecutions({ mapRunArn });
    expect(children.executions).toHaveLength(3);
    const childHistory = await r.runner.getExecutionHistory(children.executions[0]!.executionArn);
    expect(childHistory.events.map((e) => e.type)).toContain('TaskStateEntered');
    // Children are not listed among the machine's own executions.
    expect((await r.runner.listExecutions()).executions).toHaveLength(1);
  });

  // DG: child executions run with bounded concurrency (MaxConcurrency, and the runner's own bound).
  it('bounds concurrency', async () => {
    let active = 0;
    let peak = 0;
    const f = async (): Promise<number> => {
      active++;
      peak = Math.max(peak, active);
      await new Promise((resolve) => setImmediate(resolve));
      active--;
      return 0;
    };
    await run(
      distributed({ MaxConcurrency: 3 }),
      { items: [1, 2, 3, 4, 5, 6, 7, 8] },
      { lambdas: { f } },
    );
    expect(peak).toBe(3);
  });

  // SPEC: a failed child over the tolerated threshold (default 0) fails the Map Run with States.ExceedToleratedFailureThreshold.
  it('fails with ExceedToleratedFailureThreshold', async () => {
    const r = await run(
      distributed(),
      { items: [1, 2] },
      {
        lambdas: {
          f: async (x) => {
            if (x === 2) throw new NamedError('Bad');
            return x;
          },
        },
      },
    );
    expect(r.error).toBe('States.ExceedToleratedFailureThreshold');
    expect(r.types).toContain('MapRunFailed');
  });

  // SPEC: ToleratedFailurePercentage lets a share of items fail.
  it('tolerates a percentage of failures', async () => {
    const r = await run(
      distributed({ ToleratedFailurePercentage: 50 }),
      { items: [1, 2, 3, 4] },
      {
        lambdas: {
          f: async (x) => {
            if (x === 2) throw new NamedError('Bad');
            return x;
          },
        },
      },
    );
    expect(r.status).toBe('SUCCEEDED');
  });
});

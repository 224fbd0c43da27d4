import { afterEach, describe, expect, it, vi } from 'vitest';

// The handler's dependencies come from the Lambda environment; here the step needs none.
vi.mock('../../src/pipeline/depsFromEnv.js', () => ({ depsFromEnv: async () => ({}) }));
const { lambdaHandler } = await import('../../src/pipeline/lambdaHandler.js');

afterEach(() => vi.restoreAllMocks());

/** The structured log lines written while `fn` runs. */
async function logsOf(fn: () => Promise<unknown>): Promise<Record<string, unknown>[]> {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  await fn();
  return lines
    .flatMap((l) => l.split('\n'))
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('lambdaHandler', () => {
  it("logs each warning of a step's result as WARN and returns the result unchanged", async () => {
    const result = { rowsRead: 3, warnings: ['users: 40 curated files of 7 rows on average'] };
    const handler = lambdaHandler('commit', async () => result);
    let returned: unknown;
    const logs = await logsOf(async () => (returned = await handler({})));
    expect(returned).toBe(result);
    const warns = logs.filter((l) => l.level === 'WARN');
    expect(warns.map((l) => l.message)).toEqual(['users: 40 curated files of 7 rows on average']);
    expect(warns[0]).toMatchObject({ step: 'commit' });
  });

  it('logs nothing extra for a result without warnings', async () => {
    const handler = lambdaHandler('validate', async () => ({ chunks: [] }));
    const logs = await logsOf(() => handler({}));
    expect(logs.filter((l) => l.level === 'WARN')).toEqual([]);
  });

  it('publishes a committed run as EMF metrics in the Lake namespace, with service and stage', async () => {
    const handler = lambdaHandler('commit', async () => ({
      rowsRead: 10,
      rowsCurated: 8,
      rowsRejected: 2,
      superseded: false,
    }));
    const input = { source: { size: 1234, ingestedAt: new Date(Date.now() - 5000).toISOString() } };
    const logs = await logsOf(() => handler(input as never));
    const emf = logs.find((l) => '_aws' in l)!;
    const meta = (emf._aws as { CloudWatchMetrics: Array<Record<string, unknown>> })
      .CloudWatchMetrics[0]!;
    expect(meta.Namespace).toBe('Lake');
    expect((meta.Dimensions as string[][])[0]).toEqual(
      expect.arrayContaining(['service', 'stage']),
    );
    expect(emf).toMatchObject({
      service: 'lake',
      RowsRead: 10,
      RowsCurated: 8,
      RowsRejected: 2,
      BytesIngested: 1234,
      FilesCommitted: 1,
    });
    expect(emf.IngestLatency as number).toBeGreaterThanOrEqual(5000);
  });

  it('counts a quarantined file once, and nothing for a superseded commit or other steps', async () => {
    const q = lambdaHandler('quarantine', async () => ({ copied: true }));
    const logs = await logsOf(() => q({ event: { detail: { object: { size: 7 } } } } as never));
    expect(logs.find((l) => '_aws' in l)).toMatchObject({
      FilesQuarantined: 1,
      BytesQuarantined: 7,
    });
    const s = lambdaHandler('commit', async () => ({ rowsRead: 3, superseded: true }));
    const v = lambdaHandler('validate', async () => ({ rows: 3 }));
    const quiet = [...(await logsOf(() => s({}))), ...(await logsOf(() => v({})))];
    expect(quiet.filter((l) => '_aws' in l)).toEqual([]);
  });
});

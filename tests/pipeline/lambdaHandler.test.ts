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
});

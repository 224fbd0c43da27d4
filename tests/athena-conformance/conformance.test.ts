/**
 * The Athena conformance suite: every case of cases/ runs against the twin's engine over the
 * fixture tables and compares column names, Athena types and rows (or Athena's refusal). Cases
 * marked `differs` are known differences (docs/local-twin.md) and must still fail: when one
 * starts to pass, drop its mark.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATETIME_CASES } from './cases/datetime.js';
import { METADATA_CASES, MORE_REFUSAL_CASES, REFUSAL_CASES } from './cases/metadata.js';
import { NUMBER_CASES } from './cases/numbers.js';
import { QUERY_CASES } from './cases/queries.js';
import { STRING_CASES } from './cases/strings.js';
import type { AthenaCase } from './cases/types.js';
import { startFixture, type Fixture } from './fixture.js';

export const SUITES: Record<string, AthenaCase[]> = {
  strings: STRING_CASES,
  numbers: NUMBER_CASES,
  datetime: DATETIME_CASES,
  queries: QUERY_CASES,
  metadata: METADATA_CASES,
  refusals: [...REFUSAL_CASES, ...MORE_REFUSAL_CASES],
};

let fixture: Fixture;

beforeAll(async () => {
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture?.close();
});

async function check(c: AthenaCase): Promise<void> {
  if (c.error) {
    const err = await fixture.engine.query(c.sql).then(
      () => undefined,
      (e: unknown) => e as Error,
    );
    expect(err?.name, `${c.sql} should be refused`).toBe('QueryError');
    expect(err?.message).toContain(c.error);
    const code = /^([A-Z_]+): /.exec(c.error)?.[1];
    if (code) expect((err as { code?: string }).code).toBe(code);
    return;
  }
  const result = await fixture.engine.query(c.sql);
  if (c.columns)
    expect(result.columns.map((col) => `${col.name}:${col.athenaType}`)).toEqual(c.columns);
  if (c.rows) expect(c.prefix ? result.rows.slice(0, c.rows.length) : result.rows).toEqual(c.rows);
}

for (const [suite, cases] of Object.entries(SUITES)) {
  describe(`Athena conformance: ${suite}`, () => {
    for (const c of cases) {
      if (c.differs) it.fails(`${c.name} (differs: ${c.differs})`, () => check(c));
      else it(c.name, () => check(c));
    }
  });
}

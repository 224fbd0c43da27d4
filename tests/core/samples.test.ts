import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { transform } from '../../src/core/transform/index.js';
import { MemorySink } from '../../src/core/sinks/index.js';
import { ROOT, piecesOf, readRows, sampleBytes, sampleContract } from './helpers.js';

interface Expected {
  rows: number;
  rejects: { row: number; codes: string[]; columns: (string | null)[] }[];
}
const fixture = JSON.parse(
  readFileSync(join(ROOT, 'tests/core/fixtures/expected-rejects.json'), 'utf8'),
) as Record<string, Expected>;
const files = Object.keys(fixture).filter((k) => k.endsWith('.csv'));

describe.each(files)('sample %s', (file) => {
  const expected = fixture[file]!;
  const dataset = file.replace(/\.csv$/, '');

  it('curates every row but the pinned rejects, which carry their reasons', async () => {
    const sink = new MemorySink();
    const summary = await transform({
      contract: sampleContract(dataset),
      source: { key: `incoming/${file}`, version: 'v1', sourceId: 'src1' },
      body: piecesOf(sampleBytes(file), 4096),
      sink,
      executionId: 'exec-1',
      ingestedAt: new Date('2025-01-02T03:04:05Z'),
    });
    expect(summary.rowsRead).toBe(expected.rows);
    expect(summary.rowsCurated + summary.rowsRejected).toBe(summary.rowsRead);
    expect(summary.rowsRejected).toBe(expected.rejects.length);

    const curated = await readRows(sink, `${dataset}/`);
    const rejected = await readRows(sink, `${dataset}_rejected/`);
    expect(curated).toHaveLength(summary.rowsCurated);
    expect(rejected).toHaveLength(summary.rowsRejected);

    const got = rejected
      .map((r) => {
        const errors = JSON.parse(r._errors as string) as { code: string; column: string | null }[];
        return {
          row: Number(r._row_number),
          codes: (r._error_codes as string).split(','),
          columns: errors.map((e) => e.column),
        };
      })
      .sort((a, b) => a.row - b.row);
    expect(got).toEqual(expected.rejects);

    // Every row number appears exactly once across curated and rejected.
    const numbers = [...curated, ...rejected]
      .map((r) => Number(r._row_number))
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: expected.rows }, (_, i) => i + 1));
    expect(summary.partitions.reduce((n, p) => n + p.rows, 0)).toBe(summary.rowsCurated);
  });
});

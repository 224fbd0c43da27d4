import { describe, expect, it } from 'vitest';
import { planChunks } from '../../src/core/csv/index.js';
import {
  transform,
  summarizeRun,
  PartitionLimitExceededError,
  RejectRatioExceededError,
} from '../../src/core/transform/index.js';
import type { ChunkSummary } from '../../src/core/transform/index.js';
import { MemorySink } from '../../src/core/sinks/index.js';
import { piecesOf, readRows, tinyContract } from './helpers.js';

/**
 * 200 rows; every 3rd note spans lines inside quotes, every 17th row is bad. `afterQuote` comes
 * between a closing quote and the delimiter (papaparse, and so the readers, allow white space there).
 */
function file(afterQuote = ''): Uint8Array {
  const lines = ['id,note,at'];
  for (let i = 1; i <= 200; i++) {
    const note =
      i % 3 === 0 ? `"line one\nline ""two"", ${i}\r\nthree"${afterQuote}` : `plain ${i}`;
    const at =
      i % 17 === 0 ? 'not a time' : new Date(Date.UTC(2024, 0, 1, i % 24, i % 60)).toISOString();
    lines.push(`${i},${note},${at}`);
  }
  return new TextEncoder().encode(`${lines.join('\n')}\n`);
}

const common = {
  contract: tinyContract(),
  source: { key: 'in/tiny.csv', version: 'v1', sourceId: 'src' },
  executionId: 'e',
  ingestedAt: new Date('2025-05-05T05:05:05Z'),
};

const byRow = (rows: Record<string, unknown>[]) =>
  [...rows].sort((a, b) => Number(a._row_number) - Number(b._row_number));

describe('chunked transform', () => {
  it.each([
    [200, ''],
    [700, ''],
    [3000, ''],
    [200, ' \t '],
    [700, ' '],
  ])(
    'equals the whole-file transform (target %i bytes, %j after closing quotes)',
    async (targetBytes, afterQuote) => {
      const bytes = file(afterQuote);
      const whole = new MemorySink();
      const wholeSummary = await transform({ ...common, body: piecesOf(bytes), sink: whole });

      const plan = await planChunks(piecesOf(bytes, 97), { targetBytes, header: true });
      expect(plan.rows).toBe(200);
      expect(plan.chunks.length).toBeGreaterThan(1);
      const parts = new MemorySink();
      const summaries: ChunkSummary[] = [];
      for (const c of plan.chunks) {
        summaries.push(
          await transform({
            ...common,
            body: piecesOf(bytes.subarray(c.start, c.end), 50),
            chunk: { index: c.index, firstRowNumber: c.firstRowNumber, hasHeader: c.index === 0 },
            sink: parts,
          }),
        );
      }
      const run = summarizeRun(common.contract, summaries);
      expect(run.rowsRead).toBe(200);
      expect(run.rowsCurated).toBe(wholeSummary.rowsCurated);
      expect(run.rowsRejected).toBe(wholeSummary.rowsRejected);
      expect(run.partitions).toEqual(wholeSummary.partitions);
      expect(byRow(await readRows(parts, 'tiny/'))).toEqual(byRow(await readRows(whole, 'tiny/')));
      expect(byRow(await readRows(parts, 'tiny_rejected/'))).toEqual(
        byRow(await readRows(whole, 'tiny_rejected/')),
      );
      expect(run.files.every((k) => /part-src-\d{4}-\d{3}\.parquet$/.test(k))).toBe(true);
    },
  );

  it('flushes the largest partition when over the memory budget, deterministically and losing nothing', async () => {
    const bytes = file();
    const runOnce = async () => {
      const sink = new MemorySink();
      const summary = await transform({
        ...common,
        body: piecesOf(bytes),
        sink,
        memoryBudgetBytes: 2_000,
      });
      return { sink, summary };
    };
    const a = await runOnce();
    const b = await runOnce();
    expect(a.summary.files).toEqual(b.summary.files);
    expect(a.summary.files.some((k) => k.endsWith('-001.parquet'))).toBe(true);
    for (const key of a.summary.files)
      expect(a.sink.objects.get(key)!.body).toEqual(b.sink.objects.get(key)!.body);
    const rows = [
      ...(await readRows(a.sink, 'tiny/')),
      ...(await readRows(a.sink, 'tiny_rejected/')),
    ];
    expect(rows.map((r) => Number(r._row_number)).sort((x, y) => x - y)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
  });

  it('replays to the same keys and bytes', async () => {
    const first = new MemorySink();
    const again = new MemorySink();
    await transform({ ...common, body: piecesOf(file()), sink: first });
    await transform({ ...common, body: piecesOf(file(), 13), sink: again });
    expect(again.keys()).toEqual(first.keys());
    for (const key of first.keys())
      expect(again.objects.get(key)!.body).toEqual(first.objects.get(key)!.body);
  });
});

describe('summarizeRun', () => {
  const chunk = (n: number, read: number, rejected: number): ChunkSummary => ({
    dataset: 'tiny',
    sourceId: 'src',
    chunk: n,
    rowsRead: read,
    rowsCurated: read - rejected,
    rowsRejected: rejected,
    partitions: [{ date: '2024-01-01', hour: '01', rows: read - rejected }],
    rejectedPartitions: rejected ? [{ date: '2025-01-01', hour: '00', rows: rejected }] : [],
    files: [`tiny/date=2024-01-01/hour=01/part-src-000${n}-000.parquet`],
  });

  it('adds chunks up and merges partitions', () => {
    const run = summarizeRun(tinyContract(), [chunk(0, 10, 1), chunk(1, 10, 3)]);
    expect(run).toMatchObject({
      chunks: 2,
      rowsRead: 20,
      rowsCurated: 16,
      rowsRejected: 4,
      rejectRatio: 0.2,
    });
    expect(run.partitions).toEqual([{ date: '2024-01-01', hour: '01', rows: 16 }]);
    expect(run.rejectedPartitions).toEqual([{ date: '2025-01-01', hour: '00', rows: 4 }]);
    expect(run.files).toHaveLength(2);
  });

  it('throws RejectRatioExceededError over the contract limit', () => {
    const contract = tinyContract({ maxRejectRatio: 0.1 });
    expect(() => summarizeRun(contract, [chunk(0, 10, 1)])).not.toThrow();
    const error = (() => {
      try {
        summarizeRun(contract, [chunk(0, 10, 2)]);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(RejectRatioExceededError);
    expect((error as Error).name).toBe('RejectRatioExceededError');
    expect((error as Error).message).toContain('2 of 10 rows rejected');
  });

  it('reports a zero ratio for an empty file', () => {
    expect(summarizeRun(tinyContract(), [chunk(0, 0, 0)]).rejectRatio).toBe(0);
  });

  /** A chunk with `rows` curated rows spread evenly over `days` day partitions, one file each. */
  const spread = (n: number, days: number, rows: number): ChunkSummary => {
    const dates = Array.from({ length: days }, (_, i) =>
      new Date(Date.UTC(2024, 0, 1 + n * 10 + i)).toISOString().slice(0, 10),
    );
    return {
      dataset: 'tiny',
      sourceId: 'src',
      chunk: n,
      rowsRead: rows + 1,
      rowsCurated: rows,
      rowsRejected: 1,
      partitions: dates.map((date) => ({ date, rows: rows / days })),
      rejectedPartitions: [{ date: '2025-01-01', rows: 1 }],
      files: [
        ...dates.map((d) => `tiny/date=${d}/part-src-000${n}-000.parquet`),
        `tiny_rejected/date=2025-01-01/part-src-000${n}-000.parquet`,
      ],
    };
  };
  const byDay = (max?: number) =>
    tinyContract({
      partitioning: { time: 'at', grain: 'day', ...(max ? { maxPartitionsPerFile: max } : {}) },
    });

  it('counts files written and curated rows per file', () => {
    const run = summarizeRun(byDay(), [spread(0, 2, 6000), spread(1, 2, 6000)]);
    expect(run).toMatchObject({ filesWritten: 6, curatedFiles: 4, rowsPerFile: 3000 });
    expect(run.partitions).toHaveLength(4);
    expect(run.partitions[0]).toEqual({ date: '2024-01-01', rows: 3000 });
    expect(run.warnings).toEqual([]);
  });

  it('warns when several curated files hold fewer than 1,000 rows each on average', () => {
    const run = summarizeRun(byDay(), [spread(0, 3, 30)]);
    expect(run.rowsPerFile).toBe(10);
    expect(run.warnings).toHaveLength(1);
    expect(run.warnings[0]).toBe(
      'tiny: 3 curated files of 10 rows on average (fewer than 1,000); small files make queries slower and dearer: upload fewer, larger files, or partition by "ingestion" time',
    );
    // One small file is just a small upload; 999 rows per file is below the line, 1,000 is not.
    expect(summarizeRun(byDay(), [spread(0, 1, 30)]).warnings).toEqual([]);
    expect(summarizeRun(byDay(), [spread(0, 2, 1998)]).warnings).toHaveLength(1);
    expect(summarizeRun(byDay(), [spread(0, 2, 2000)]).warnings).toEqual([]);
  });

  it('throws PartitionLimitExceededError when the chunks together pass maxPartitionsPerFile', () => {
    expect(() => summarizeRun(byDay(4), [spread(0, 2, 20), spread(1, 2, 20)])).not.toThrow();
    let error: unknown;
    try {
      summarizeRun(byDay(4), [spread(0, 2, 20), spread(1, 2, 20), spread(2, 1, 20)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PartitionLimitExceededError);
    expect((error as Error).name).toBe('PartitionLimitExceededError');
    expect((error as Error).message).toContain(
      'tiny: partitioning.maxPartitionsPerFile is 4 and the file spreads over 5 partitions,',
    );
    expect((error as Error).message).toContain('raise partitioning.maxPartitionsPerFile');
  });
});

describe('the partition guard in transform', () => {
  /** `days` rows, one per day from 2024-01-01. */
  const daily = (days: number) => {
    const lines = ['id,note,at'];
    for (let i = 0; i < days; i++)
      lines.push(`${i + 1},n,${new Date(Date.UTC(2024, 0, 1 + i, 6)).toISOString()}`);
    return new TextEncoder().encode(`${lines.join('\n')}\n`);
  };

  it('stops a chunk at the first partition over the limit, before writing any file', async () => {
    const sink = new MemorySink();
    const contract = tinyContract({
      partitioning: { time: 'at', grain: 'day', maxPartitionsPerFile: 10 },
    });
    await expect(
      transform({ ...common, contract, body: piecesOf(daily(10)), sink: new MemorySink() }),
    ).resolves.toMatchObject({ partitions: expect.any(Array) });
    const failed = transform({ ...common, contract, body: piecesOf(daily(500)), sink });
    await expect(failed).rejects.toBeInstanceOf(PartitionLimitExceededError);
    await expect(failed).rejects.toThrow(
      /^tiny: partitioning\.maxPartitionsPerFile is 10 and the file spreads over at least 11 partitions \(chunk 0 alone\), by column at at day grain\. For a backfill, raise/,
    );
    expect(sink.keys()).toEqual([]);
  });

  it('counts curated partitions only: rejected rows lie in one ingestion partition', async () => {
    const contract = tinyContract({ partitioning: { grain: 'day', maxPartitionsPerFile: 1 } });
    const summary = await transform({
      ...common,
      contract,
      body: piecesOf(file()),
      sink: new MemorySink(),
    });
    expect(summary.partitions).toEqual([{ date: '2025-05-05', rows: summary.rowsCurated }]);
    expect(summary.rejectedPartitions).toEqual([
      { date: '2025-05-05', rows: summary.rowsRejected },
    ]);
  });
});

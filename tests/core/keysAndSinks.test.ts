import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  curatedFields,
  curatedKey,
  curatedPrefix,
  rejectedFields,
  rejectedKey,
} from '../../src/core/transform/index.js';
import { LocalFolderSink, MemorySink, UnsafeKeyError } from '../../src/core/sinks/index.js';
import {
  partitionOfDays,
  partitionOfMs,
  partitionSegment,
  partitioner,
} from '../../src/core/partition/index.js';
import { tinyContract } from './helpers.js';

describe('keys', () => {
  it('builds curated and rejected keys', () => {
    const p = { date: '2021-07-27', hour: '16' };
    expect(curatedKey('users', p, 'abc123', 3, 7)).toBe(
      'users/date=2021-07-27/hour=16/part-abc123-0003-007.parquet',
    );
    expect(rejectedKey('users', p, 'abc123', 0, 0)).toBe(
      'users_rejected/date=2021-07-27/hour=16/part-abc123-0000-000.parquet',
    );
    expect(curatedPrefix('users')).toBe('users/');
  });

  it('leaves the hour out at day grain', () => {
    expect(curatedKey('users', { date: '2021-07-27' }, 'abc123', 0, 1)).toBe(
      'users/date=2021-07-27/part-abc123-0000-001.parquet',
    );
    expect(rejectedKey('users', { date: '2021-07-27' }, 'abc123', 0, 0)).toBe(
      'users_rejected/date=2021-07-27/part-abc123-0000-000.parquet',
    );
  });

  it.each(['../x', 'a/b', '', 'a..b'])('refuses the source id %j', (id) => {
    expect(() => curatedKey('users', { date: '2021-01-01', hour: '00' }, id, 0, 0)).toThrow(
      /unsafe source id/,
    );
  });
});

describe('fields', () => {
  it('appends audit columns to curated and rejected schemas', () => {
    const c = tinyContract();
    expect(curatedFields(c).map((f) => `${f.name}:${f.type}:${f.nullable}`)).toEqual([
      'id:int:false',
      'note:string:true',
      'at:timestamp:false',
      '_source_key:string:false',
      '_source_version:string:false',
      '_row_number:bigint:false',
      '_ingested_at:timestamp:false',
      '_execution_id:string:false',
    ]);
    expect(
      rejectedFields(c)
        .map((f) => `${f.name}:${f.type}`)
        .slice(0, 6),
    ).toEqual([
      'id:string',
      'note:string',
      'at:string',
      '_raw_record:string',
      '_errors:string',
      '_error_codes:string',
    ]);
  });
});

describe('partitions', () => {
  it.each<[number, string, string]>([
    [Date.UTC(2021, 6, 27, 16, 2, 8), '2021-07-27', '16'],
    [Date.UTC(2021, 0, 1, 0, 0, 0), '2021-01-01', '00'],
    [Date.UTC(1969, 11, 31, 23, 59, 59), '1969-12-31', '23'],
  ])('%i → %s/%s', (ms, date, hour) => {
    expect(partitionOfMs(ms)).toEqual({ date, hour });
  });

  it('gives a day number its day partition, and null for a null value', () => {
    expect(partitionOfDays(18835)).toEqual({ date: '2021-07-27' });
    const byAt = partitioner(tinyContract(), new Date(0));
    expect(byAt([1, null, null])).toBeNull();
  });

  it('places a timestamp by its hour, or by its day at day grain', () => {
    const at = Date.UTC(2021, 6, 27, 16, 2, 8);
    expect(partitioner(tinyContract(), new Date(0))([1, 'x', at])).toEqual({
      date: '2021-07-27',
      hour: '16',
    });
    const byDay = tinyContract({ partitioning: { time: 'at', grain: 'day' } });
    expect(partitioner(byDay, new Date(0))([1, 'x', at])).toEqual({ date: '2021-07-27' });
    expect(partitionOfMs(at, 'day')).toEqual({ date: '2021-07-27' });
    expect(partitionSegment({ date: '2021-07-27' })).toBe('date=2021-07-27/');
    expect(partitionSegment({ date: '2021-07-27', hour: '16' })).toBe('date=2021-07-27/hour=16/');
  });

  it('places a date column by its day', () => {
    const c = tinyContract({
      columns: [
        { name: 'id', type: 'int', nullable: false },
        { name: 'on', type: 'date' },
      ],
      partitioning: { time: 'on', grain: 'day' },
    });
    expect(partitioner(c, new Date(0))([1, 18835])).toEqual({ date: '2021-07-27' });
  });

  it('uses ingestion time when the contract names no partition column', () => {
    const c = tinyContract({ partitioning: { time: 'ingestion' } });
    expect(partitioner(c, new Date('2024-02-03T04:05:06Z'))([1, 'x', 0])).toEqual({
      date: '2024-02-03',
      hour: '04',
    });
    const day = tinyContract({ partitioning: { grain: 'day' } });
    expect(partitioner(day, new Date('2024-02-03T04:05:06Z'))([1, 'x', 0])).toEqual({
      date: '2024-02-03',
    });
  });

  it('refuses a year that cannot be a safe key segment', () => {
    expect(() => partitionOfMs(Date.UTC(10000, 0, 1))).toThrow(/unsafe partition value/);
  });
});

describe('sinks', () => {
  const dir = mkdtempSync(join(tmpdir(), 'core-sink-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('writes files under nested folders', async () => {
    const sink = new LocalFolderSink(dir);
    await sink.put('a/b/c.txt', new TextEncoder().encode('hi'));
    expect(readFileSync(join(dir, 'a/b/c.txt'), 'utf8')).toBe('hi');
  });

  it.each(['../escape.txt', '/abs.txt', 'a/../../b', 'a//b', 'a\\b', ''])(
    'refuses the key %j',
    async (key) => {
      await expect(new LocalFolderSink(dir).put(key, new Uint8Array(1))).rejects.toBeInstanceOf(
        UnsafeKeyError,
      );
      await expect(new MemorySink().put(key, new Uint8Array(1))).rejects.toBeInstanceOf(
        UnsafeKeyError,
      );
    },
  );

  it('keeps a copy in memory', async () => {
    const sink = new MemorySink();
    const body = new Uint8Array([1, 2]);
    await sink.put('k', body, 'x/y');
    body[0] = 9;
    expect(sink.objects.get('k')).toEqual({ body: new Uint8Array([1, 2]), contentType: 'x/y' });
  });
});

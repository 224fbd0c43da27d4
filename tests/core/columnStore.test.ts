import { describe, expect, it } from 'vitest';
import { columnStore } from '../../src/core/transform/columnStore.js';

const decoder = new TextDecoder();

describe('columnStore', () => {
  it('holds strings as UTF-8 bytes, ASCII or not, with nulls, across growth', () => {
    const store = columnStore('string');
    const input: (string | null)[] = [];
    for (let i = 0; i < 2000; i++)
      input.push(i % 7 === 0 ? null : i % 5 === 0 ? `héllo ✓ 🦆 ${i}` : `row ${i}`);
    input.push('', 'x'.repeat(10_000));
    let added = 0;
    for (const v of input) added += store.push(v);
    expect(added).toBe(store.bytes - columnStore('string').bytes);
    const out = (store.values() as unknown[]).map((v) =>
      v === null ? null : decoder.decode(v as Uint8Array),
    );
    expect(out).toEqual(input);
  });

  it('holds repeating strings as a dictionary of JS strings, and switches to bytes once mostly distinct', () => {
    const hint = { distinct: false };
    const repeating = columnStore('string', hint);
    const input: (string | null)[] = [];
    for (let i = 0; i < 5000; i++) input.push(i % 11 === 0 ? null : `name ${i % 300} ✓`);
    let added = 0;
    for (const v of input) added += repeating.push(v);
    expect(added).toBe(repeating.bytes - columnStore('string').bytes);
    expect(repeating.distinct).toBe(false);
    expect(repeating.values()).toEqual(input);
    expect(hint.distinct).toBe(false);

    const free = columnStore('string', hint);
    const text: (string | null)[] = [];
    for (let i = 0; i < 3000; i++)
      text.push(i % 13 === 0 ? null : i % 3 === 0 ? `héllo ${i}` : `row ${i}`);
    added = 0;
    for (const v of text) added += free.push(v);
    expect(added).toBe(free.bytes - columnStore('string').bytes);
    expect(free.distinct).toBe(true);
    expect(hint.distinct).toBe(true); // later stores of the column start as bytes
    expect(columnStore('string', hint).distinct).toBe(true);
    expect(
      (free.values() as unknown[]).map((v) =>
        v === null ? null : decoder.decode(v as Uint8Array),
      ),
    ).toEqual(text);
  });

  it('holds numbers, bigints and other values with nulls', () => {
    const cases: [Parameters<typeof columnStore>[0], unknown[]][] = [
      ['timestamp', [0, -1, 1.7e12, null, 8.64e15]], // handed out as bigints, see below
      ['double', [0.5, -1, null, 1e300]],
      ['int', [2147483647, -2147483648, null, 0]],
      ['bigint', [9223372036854775807n, -9223372036854775808n, null, 1n]],
      ['boolean', [true, null, false]],
      ['decimal(38,10)', [10n ** 37n, null, -1n]],
    ];
    for (const [type, values] of cases) {
      const store = columnStore(type);
      for (let r = 0; r < 300; r++) for (const v of values) store.push(v);
      const out = store.values();
      expect(out).toHaveLength(300 * values.length);
      const expected =
        type === 'timestamp'
          ? values.map((v) => (v === null ? null : BigInt(v as number)))
          : values;
      expect(out.slice(-values.length)).toEqual(expected);
    }
  });

  it('holds INT64 values given as numbers exactly, and ints, doubles without nulls', () => {
    const int64 = [
      0,
      -1,
      1.7e12,
      -8.64e15,
      8.64e15,
      2 ** 53 - 1,
      -(2 ** 53 - 1),
      4294967296,
      -4294967297,
    ];
    const ts = columnStore('timestamp');
    for (let r = 0; r < 100; r++) for (const v of int64) ts.push(v); // across growth
    expect((ts.values() as unknown[]).slice(-int64.length)).toEqual(int64.map((v) => BigInt(v)));

    const ids = columnStore('bigint');
    for (const v of [5, 9223372036854775807n, -3, -9223372036854775808n]) ids.push(v);
    expect(ids.values()).toEqual([5n, 9223372036854775807n, -3n, -9223372036854775808n]);
    const ints = columnStore('int');
    for (const v of [1, -2147483648, 2147483647]) ints.push(v);
    expect(ints.values()).toEqual([1, -2147483648, 2147483647]);
    const doubles = columnStore('double');
    for (const v of [0.5, -1e300]) doubles.push(v);
    expect(doubles.values()).toEqual([0.5, -1e300]);
  });
});

import { snappyUncompress } from 'hyparquet';
import { describe, expect, it } from 'vitest';
import { snappyCompress } from '../../src/core/parquet/snappy.js';
import { columnStore } from '../../src/core/transform/columnStore.js';

const decoder = new TextDecoder();

describe('columnStore', () => {
  it('holds strings as UTF-8 bytes, ASCII or not, with nulls, across growth', () => {
    const store = columnStore('string');
    const input: (string | null)[] = [];
    for (let i = 0; i < 2000; i++) input.push(i % 7 === 0 ? null : i % 5 === 0 ? `héllo ✓ 🦆 ${i}` : `row ${i}`);
    input.push('', 'x'.repeat(10_000));
    let added = 0;
    for (const v of input) added += store.push(v);
    expect(added).toBe(store.bytes - columnStore('string').bytes);
    const out = store.values().map((v) => (v === null ? null : decoder.decode(v as Uint8Array)));
    expect(out).toEqual(input);
  });

  it('holds numbers, bigints and other values with nulls', () => {
    const cases: [Parameters<typeof columnStore>[0], unknown[]][] = [
      ['timestamp', [0, -1, 1.7e12, null, 8.64e15]],
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
      expect(out.slice(-values.length)).toEqual(values);
    }
  });
});

describe('snappyCompress', () => {
  it('round-trips through hyparquet’s decompressor (empty, tiny, repetitive, random, > 64 KiB)', () => {
    let seed = 7;
    const random = (n: number) => Uint8Array.from({ length: n }, () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 24));
    const text = new TextEncoder().encode('id,name,email,hired_at\n'.repeat(20_000));
    const mixed = new Uint8Array(300_000);
    for (let i = 0; i < mixed.length; i += 1000) mixed.set(i % 3000 === 0 ? random(1000) : text.subarray(i % 7, (i % 7) + 1000), i);
    for (const input of [new Uint8Array(0), random(5), random(15), random(16), text, random(200_000), mixed, new Uint8Array(150_000)]) {
      const compressed = snappyCompress(input);
      const output = new Uint8Array(input.length);
      snappyUncompress(compressed, output);
      expect(Buffer.from(output).equals(Buffer.from(input))).toBe(true);
      if (input === text) expect(compressed.length).toBeLessThan(input.length / 10);
    }
  });
});

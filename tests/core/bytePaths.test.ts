import { describe, expect, it } from 'vitest';
import { parse, format } from 'date-fns';
import { compileByteCoercer, compileCoercer } from '../../src/core/clean/coerce.js';
import { compilePatternTimestamp } from '../../src/core/clean/patternTime.js';
import { trimEnd, trimStart, utf16Length } from '../../src/core/clean/utf8Text.js';
import type { ColumnSpec } from '../../src/core/contract/types.js';
import { EMAIL } from '../../src/core/validate/compileColumnCheck.js';
import { isEmailBytes } from '../../src/core/validate/emailBytes.js';
import { createRng as rng } from '../../bench/lib/rng.js';

// The transform reads fields as UTF-8 bytes; each fast path here is held to the string code it
// stands in for (String.prototype.trim, string.length, the e-mail regex, the text coercers).

/** Random text of pieces from `alphabet`, up to `max` of them. */
function texts(alphabet: string[], count: number, max: number, seed: number): string[] {
  const rnd = rng(seed);
  return Array.from({ length: count }, () =>
    Array.from(
      { length: Math.floor(rnd() * max) },
      () => alphabet[Math.floor(rnd() * alphabet.length)],
    ).join(''),
  );
}

const encoder = new TextEncoder();
const SPACES = [
  ' ',
  '\t',
  '\n',
  '\r',
  '\v',
  '\f',
  '\u00a0',
  '\u1680',
  '\u2000',
  '\u200a',
  '\u200b',
  '\u2028',
  '\u2029',
  '\u202f',
  '\u205f',
  '\u3000',
  '\ufeff',
  '\u0085',
  '\u180e',
];

describe('UTF-8 field bytes', () => {
  it('trim where String.prototype.trim trims, every kind of white space included', () => {
    const corpus = texts([...SPACES, 'a', 'é', '中', '🦆', '\u00a1', '\u2031'], 5000, 8, 1);
    for (const text of corpus) {
      const bytes = encoder.encode(`x${text}y`).subarray(1); // a non-zero start
      const end = bytes.length - 1;
      const s = trimStart(bytes, 0, end);
      const e = trimEnd(bytes, s, end);
      expect(new TextDecoder().decode(bytes.subarray(s, e)), JSON.stringify(text)).toBe(
        text.trim(),
      );
    }
  });

  it('count UTF-16 units as string.length does', () => {
    for (const text of texts(['a', 'é', '中', '🦆', ' '], 2000, 10, 2))
      expect(utf16Length(encoder.encode(text), 0, encoder.encode(text).length)).toBe(text.length);
  });

  it('check e-mail addresses exactly as the regex does', () => {
    const parts = [
      'a',
      'Z',
      '9',
      '.',
      '-',
      '@',
      '+',
      '_',
      "'",
      'é',
      ' ',
      '..',
      'x'.repeat(62),
      'y'.repeat(64),
      '@b.c',
      '.com',
    ];
    const corpus = [
      ...texts(parts, 20000, 7, 3),
      'a@b.c',
      'a@b',
      '@b.c',
      'a@-b.c',
      'a@b-.c',
      'a@b..c',
      'a@b.c.',
      `a@${'x'.repeat(63)}.c`,
      `a@${'x'.repeat(64)}.c`,
    ];
    let valid = 0;
    for (const text of corpus) {
      const bytes = encoder.encode(text);
      const expected = EMAIL.test(text);
      if (expected) valid++;
      expect(isEmailBytes(bytes, 0, bytes.length), JSON.stringify(text)).toBe(expected);
    }
    expect(valid).toBeGreaterThan(100); // the corpus reaches both answers
  });

  it.each<[ColumnSpec['type'], string[]]>([
    [
      'int',
      [
        '0',
        '1',
        '+',
        '-',
        '9',
        '2147483647',
        '2147483648',
        '-2147483648',
        '00012',
        ' ',
        'x',
        '.',
        'e',
      ],
    ],
    [
      'bigint',
      [
        '0',
        '9',
        '-',
        '+',
        '9223372036854775807',
        '9223372036854775808',
        '123456789012345',
        '1234567890123456',
        'x',
      ],
    ],
    [
      'timestamp',
      [
        '2024-02-29',
        '2023-02-29',
        'T',
        ' ',
        '12:34',
        ':56',
        '.1',
        '.123456',
        ',5',
        'Z',
        'z',
        '+05:30',
        '-0800',
        '+24',
        '9999-12-31',
        '0000-01-01',
        '1',
      ],
    ],
    ['date', ['2024-02-29', '2023-02-29', '2024-13-01', '1970-01-01', '1', '-', 'x']],
  ])('coerce %s from bytes as from text', (type, pieces) => {
    const column: ColumnSpec = { name: 'c', type };
    const fromText = compileCoercer(column);
    const fromBytes = compileByteCoercer(column);
    const corpus = texts(pieces, 5000, type === 'timestamp' ? 5 : 3, 4);
    for (const text of corpus) {
      const bytes = encoder.encode(`,${text},`); // a span inside a bigger buffer
      const got = fromBytes(bytes, 1, bytes.length - 1);
      // A short bigint comes as a safe-integer number (the column store writes it as INT64).
      const value = type === 'bigint' && typeof got === 'number' ? BigInt(got) : got;
      expect(value, JSON.stringify(text)).toEqual(fromText(text));
    }
  });

  it.each<[string[]]>([[['iso8601', 'dd/MM/yyyy HH:mm']], [['dd/MM/yyyy HH:mm', 'iso8601']]])(
    'coerce a timestamp of formats %j from bytes as from text (ISO bytes first, then the text)',
    (formats) => {
      const column: ColumnSpec = { name: 'c', type: 'timestamp', formats };
      const fromText = compileCoercer(column);
      const fromBytes = compileByteCoercer(column);
      const pieces = [
        ...['2024-02-29', '29/02/2024', '31/02/2023', 'T', ' ', '12:34', ':56', 'Z', '1'],
        ...['29/02/2024 12:34', '2024-02-29T12:34:56Z'],
      ];
      let parsed = 0;
      for (const text of texts(pieces, 3000, 3, 9)) {
        const bytes = encoder.encode(`,${text},`);
        const expected = fromText(text);
        if (typeof expected === 'number') parsed++;
        expect(fromBytes(bytes, 1, bytes.length - 1), JSON.stringify(text)).toEqual(expected);
      }
      expect(parsed).toBeGreaterThan(100); // both formats answer in the corpus
    },
  );

  it.each(['dd/MM/yyyy HH:mm', 'yyyy-MM-dd HH:mm:ss', 'yyyyMMdd', 'MM/dd/yyyy HH:mm:ss.SSS'])(
    'reads the fixed-width pattern %s as date-fns does',
    (pattern) => {
      const fast = compilePatternTimestamp(pattern);
      const reference = (text: string): number => {
        // date-fns alone, read back as UTC wall time (what compilePatternTimestamp did before)
        const d = parse(text, pattern, new Date(2000, 0, 1));
        if (Number.isNaN(d.getTime()) || d.getFullYear() < 1 || d.getFullYear() > 9999) return NaN;
        const utc = new Date(0);
        utc.setUTCFullYear(d.getFullYear(), d.getMonth(), d.getDate());
        utc.setUTCHours(d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
        return utc.getTime();
      };
      const rnd = rng(pattern.length);
      const digit = () => String(Math.floor(rnd() * 10));
      let valid = 0;
      for (let n = 0; n < 3000; n++) {
        // The pattern with each letter replaced by a digit (mostly plausible dates), sometimes bent.
        let text = pattern.replace(/[A-Za-z]/g, () => digit());
        if (n % 3 === 0)
          text = format(
            new Date(Date.UTC(1990 + Math.floor(rnd() * 60), 0, 1) + rnd() * 3e10),
            pattern,
          );
        if (n % 17 === 0) text = text.slice(1);
        if (n % 19 === 0) text = text.replace('/', '-');
        const expected = reference(text);
        if (expected === expected) valid++;
        expect(fast(text), JSON.stringify(text)).toEqual(expected);
      }
      expect(valid).toBeGreaterThan(500);
    },
  );
});

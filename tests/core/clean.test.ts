import { describe, expect, it } from 'vitest';
import {
  NOT_TYPE,
  OUT_OF_RANGE,
  compileCoercer,
  formatDecimal,
  parseDecimal,
  parseIsoDate,
  parseIsoTimestamp,
} from '../../src/core/clean/index.js';
import type { ColumnSpec } from '../../src/core/contract/types.js';

const col = (type: ColumnSpec['type'], formats?: string[]): ColumnSpec => ({
  name: 'c',
  type,
  ...(formats ? { formats } : {}),
});

describe('ISO-8601', () => {
  it.each<[string, string | null]>([
    ['2021-07-27T16:02:08Z', '2021-07-27T16:02:08.000Z'],
    ['2021-07-27T16:02:08.5Z', '2021-07-27T16:02:08.500Z'],
    ['2021-07-27T16:02:08.123456Z', '2021-07-27T16:02:08.123Z'],
    ['2021-07-27 16:02:08', '2021-07-27T16:02:08.000Z'],
    ['2021-07-27T16:02', '2021-07-27T16:02:00.000Z'],
    ['2021-07-27T16:02:08+02:00', '2021-07-27T14:02:08.000Z'],
    ['2021-07-27T16:02:08-0530', '2021-07-27T21:32:08.000Z'],
    ['2021-07-27T01:00:00+05', '2021-07-26T20:00:00.000Z'],
    ['2021-07-27', '2021-07-27T00:00:00.000Z'],
    ['2024-02-29T00:00:00Z', '2024-02-29T00:00:00.000Z'],
    ['0099-01-01T00:00:00Z', '0099-01-01T00:00:00.000Z'],
    ['2023-02-29T00:00:00Z', null],
    ['2021-13-01T00:00:00Z', null],
    ['2021-07-27T24:00:00Z', null],
    ['2021-07-27T16:60:00Z', null],
    ['2021-07-27T16:02:08ZZ', null],
    ['2021-7-27', null],
    ['27/07/2021', null],
    ['', null],
  ])('%s → %s', (text, expected) => {
    const ms = parseIsoTimestamp(text);
    expect(Number.isNaN(ms) ? null : new Date(ms).toISOString()).toBe(expected);
  });

  it('parses dates to days since epoch', () => {
    expect(parseIsoDate('1970-01-02')).toBe(1);
    expect(parseIsoDate('1969-12-31')).toBe(-1);
    expect(parseIsoDate('2021-02-29')).toBeNaN();
    expect(parseIsoDate('2021-07-27T00:00:00Z')).toBeNaN();
  });
});

describe('decimal', () => {
  it.each<[string, number, number, bigint | string]>([
    ['12.30', 12, 2, 1230n],
    ['-0.05', 12, 2, -5n],
    ['+7', 12, 2, 700n],
    ['.5', 12, 2, 50n],
    ['5.', 12, 2, 500n],
    ['1.230', 12, 2, 123n],
    ['0000012.3', 5, 2, 1230n],
    ['9999999999.99', 12, 2, 999999999999n],
    ['12345678901234567890.12', 38, 2, 1234567890123456789012n],
    ['99999999999.99', 12, 2, 'range'],
    ['1.234', 12, 2, 'scale'],
    ['1e3', 12, 2, 'type'],
    ['1,5', 12, 2, 'type'],
    ['.', 12, 2, 'type'],
    ['-', 12, 2, 'type'],
  ])('%s as decimal(%i,%i) → %s', (text, p, s, expected) => {
    expect(parseDecimal(text, p, s)).toBe(expected);
  });

  it('formats unscaled values back exactly', () => {
    expect(formatDecimal(1230n, 2)).toBe('12.30');
    expect(formatDecimal(-5n, 2)).toBe('-0.05');
    expect(formatDecimal(42n, 0)).toBe('42');
  });
});

describe('coercers', () => {
  it.each<[ColumnSpec, string, unknown]>([
    [col('int'), '42', 42],
    [col('int'), '-2147483648', -2147483648],
    [col('int'), '2147483648', OUT_OF_RANGE],
    [col('int'), '4.2', NOT_TYPE],
    [col('int'), '0x10', NOT_TYPE],
    [col('bigint'), '9223372036854775807', 9223372036854775807n],
    [col('bigint'), '9223372036854775808', OUT_OF_RANGE],
    [col('bigint'), '12x', NOT_TYPE],
    // Short integers take a one-pass path; edges of it and of the general path agree.
    [col('int'), '+7', 7],
    [col('int'), '-0', -0],
    [col('int'), '000000000000042', 42],
    [col('int'), '-', NOT_TYPE],
    [col('int'), '', NOT_TYPE],
    [col('int'), '1 ', NOT_TYPE],
    [col('int'), '99999999999999999', OUT_OF_RANGE],
    [col('bigint'), '-999999999999999', -999999999999999n],
    [col('bigint'), '9999999999999999', 9999999999999999n],
    [col('bigint'), '+1', 1n],
    [col('bigint'), '-9223372036854775808', -9223372036854775808n],
    [col('bigint'), '+', NOT_TYPE],
    [col('double'), '3.5e2', 350],
    [col('double'), '-.5', -0.5],
    [col('double'), 'NaN', NOT_TYPE],
    [col('double'), '1e999', OUT_OF_RANGE],
    [col('boolean'), 'TRUE', true],
    [col('boolean'), 'No', false],
    [col('boolean'), '1', true],
    [col('boolean'), 'maybe', NOT_TYPE],
    [col('decimal(12,2)'), '1.5', 150n],
    [col('decimal(3,0)'), '1000', OUT_OF_RANGE],
    [col('date'), '2021-07-27', 18835],
    [col('date', ['dd/MM/yyyy']), '27/07/2021', 18835],
    [col('date', ['dd/MM/yyyy']), '2021-07-27', NOT_TYPE],
    [
      col('timestamp', ['iso8601', 'dd/MM/yyyy HH:mm']),
      '27/07/2021 16:02',
      Date.UTC(2021, 6, 27, 16, 2),
    ],
    [
      col('timestamp', ['yyyy-MM-dd HH:mm:ssXXX']),
      '2021-07-27 16:02:00+02:00',
      Date.UTC(2021, 6, 27, 14, 2),
    ],
    [col('timestamp', ['dd/MM/yyyy HH:mm']), '31/02/2021 16:02', NOT_TYPE],
    [col('string'), 'as is', 'as is'],
  ])('%o coerces %s', (column, text, expected) => {
    expect(compileCoercer(column)(text)).toBe(expected);
  });
});

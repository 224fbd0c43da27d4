import { describe, expect, it } from 'vitest';
import { parseContract } from '../../src/core/contract/index.js';
import { fieldBlockOf } from './helpers.js';
import { compileRowValidator, DuplicateKeys, IN_BLOCK } from '../../src/core/validate/index.js';

const contract = parseContract(
  {
    dataset: 'v',
    files: ['v.csv'],
    csv: { nullMarkers: ['', 'N/A'] },
    columns: [
      { name: 'id', type: 'int', nullable: false, min: 1, max: 100 },
      { name: 'code', type: 'string', pattern: '^[A-Z]{3}$', minLength: 3, maxLength: 3 },
      { name: 'kind', type: 'string', enum: ['a', 'b'] },
      { name: 'mail', type: 'string', format: 'email' },
      { name: 'starts', type: 'date', min: '2020-01-01' },
      { name: 'ends', type: 'date' },
    ],
    rules: [{ name: 'order', column: 'ends', op: '>=', otherColumn: 'starts' }],
    primaryKey: ['id'],
  },
  'v.json',
);
const validator = compileRowValidator(contract);

/** Check one record; strings the validator left in the block are read back from their spans. */
function check(fields: string[]) {
  const block = fieldBlockOf([fields]);
  const values: unknown[] = [];
  const spans = new Int32Array(2 * contract.columns.length);
  const texts: (string | null)[] = [];
  const issues = validator.check(block, 0, values, spans);
  validator.texts(block, 0, texts);
  const decoded = values.map((v, i) =>
    v === IN_BLOCK
      ? new TextDecoder().decode(block.bytes.subarray(spans[2 * i], spans[2 * i + 1]))
      : v,
  );
  return { issues, values: decoded, texts };
}

describe('row validation', () => {
  it('passes a clean row with trimmed, coerced values', () => {
    const { issues, values, texts } = check([' 7 ', 'ABC', 'a', 'x@y.io', '2021-01-01', 'N/A']);
    expect(issues).toBeNull();
    expect(values).toEqual([7, 'ABC', 'a', 'x@y.io', 18628, null]);
    expect(texts[0]).toBe('7');
  });

  it.each<[string, string[], string[]]>([
    ['required', ['', 'ABC', 'a', 'x@y.io', '', ''], ['required:id']],
    ['type', ['seven', 'ABC', 'a', 'x@y.io', '', ''], ['type:id']],
    ['range', ['101', 'ABC', 'a', 'x@y.io', '2019-12-31', ''], ['range:id', 'range:starts']],
    ['length before pattern', ['1', 'ABCD', 'a', 'x@y.io', '', ''], ['length:code']],
    ['pattern', ['1', 'abc', 'a', 'x@y.io', '', ''], ['pattern:code']],
    ['enum', ['1', 'ABC', 'c', 'x@y.io', '', ''], ['enum:kind']],
    ['format', ['1', 'ABC', 'a', 'x@y', '', ''], ['format:mail']],
    ['rule', ['1', 'ABC', 'a', 'x@y.io', '2021-02-02', '2021-02-01'], ['rule:ends']],
    ['column_count', ['1', 'ABC'], ['column_count:null']],
  ])('%s', (_name, fields, expected) => {
    expect(check(fields).issues?.map((i) => `${i.code}:${i.column}`)).toEqual(expected);
  });

  it('quotes a number out of bounds as it was written', () => {
    const [issue] = check(['0101', 'ABC', 'a', 'x@y.io', '', '']).issues ?? [];
    expect(issue?.message).toBe('"0101" outside 1..100');
  });

  it('lets a rule pass when either side is null', () => {
    expect(check(['1', 'ABC', 'a', 'x@y.io', '2021-02-02', '']).issues).toBeNull();
  });

  it('keeps the first occurrence of a key and names it in later duplicates', () => {
    const keys = new DuplicateKeys(contract);
    const key = keys.keyOf([5, 'ABC'])!;
    expect(keys.check(key)).toBeNull();
    keys.remember(key, 12);
    expect(keys.check(keys.keyOf([5, 'XYZ'])!)?.message).toContain('first seen in row 12');
    expect(keys.keyOf([null])).toBeUndefined();
  });
});

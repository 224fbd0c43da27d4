/** The pure parts of the Athena dialect: text steps, patterns, names and type names. */
import { describe, expect, it } from 'vitest';
import { jodaToStrftime, mysqlToStrftime } from '../../src/local/query/athena/formats.js';
import { prepareSql } from '../../src/local/query/athena/sqlText.js';
import { trinoTypeOfDuck, trinoTypeOfGlue } from '../../src/local/query/athena/trinoTypes.js';
import { arithmeticType } from '../../src/local/query/athena/exprTypes.js';
import { athenaColumnNames } from '../../src/local/query/athenaDialect.js';
import { QueryError } from '../../src/local/query/errors.js';

describe('Athena text steps', () => {
  it('blanks the AwsDataCatalog prefix, keeping positions', () => {
    const sql = 'SELECT * FROM "AwsDataCatalog".lake.t JOIN awsdatacatalog.lake.u ON true';
    const out = prepareSql(sql);
    expect(out).toHaveLength(sql.length);
    expect(out.replace(/\s+/g, ' ')).toBe('SELECT * FROM lake.t JOIN lake.u ON true');
    expect(prepareSql(`SELECT 'awsdatacatalog.x'`)).toBe(`SELECT 'awsdatacatalog.x'`);
  });

  it('rewrites listagg … WITHIN GROUP and if( for DuckDB’s parser', () => {
    expect(prepareSql(`SELECT listagg(a, ',') WITHIN GROUP (ORDER BY b) FROM t`)).toBe(
      `SELECT string_agg(a, ',' ORDER BY b) FROM t`,
    );
    expect(prepareSql(`SELECT IF(x > 1, 'a'), 'if(' FROM t`)).toBe(
      `SELECT athena_if(x > 1, 'a'), 'if(' FROM t`,
    );
  });

  it('refuses LIMIT before OFFSET with Trino’s position', () => {
    const err = (() => {
      try {
        prepareSql('SELECT 1\nLIMIT 2 OFFSET 1');
      } catch (e) {
        return e;
      }
    })();
    expect(err).toBeInstanceOf(QueryError);
    expect((err as Error).message).toContain("line 2:9: mismatched input 'OFFSET'");
    expect(prepareSql('SELECT 1 OFFSET 1 LIMIT 2')).toBe('SELECT 1 OFFSET 1 LIMIT 2');
  });
});

describe('date patterns', () => {
  it('translates MySQL tokens and Joda patterns to strftime', () => {
    expect(mysqlToStrftime('%Y-%m-%d %H:%i:%s')).toBe('%Y-%m-%d %H:%M:%S');
    expect(jodaToStrftime("yyyy-MM-dd'T'HH:mm:ss.SSS")).toBe('%Y-%m-%dT%H:%M:%S.%g');
    expect(jodaToStrftime('EEE, d MMM yyyy')).toBe('%a, %-d %b %Y');
    expect(jodaToStrftime("h 'o''clock' a")).toBe("%-I o'clock %p");
    expect(jodaToStrftime('G')).toBeUndefined();
  });
});

describe('names and types', () => {
  it('names unnamed expressions _col<i> by output position, stars as DuckDB named them', () => {
    expect(athenaColumnNames(['count_star()'], [null])).toEqual(['_col0']);
    expect(athenaColumnNames(['a', 'b', '1'], ['*', null])).toEqual(['a', 'b', '_col2']);
    expect(athenaColumnNames(['x', 'y'], ['x'])).toEqual(['x', 'y']);
  });

  it('spells types as Trino does', () => {
    expect(trinoTypeOfDuck('DECIMAL(12,2)')).toBe('decimal(12,2)');
    expect(trinoTypeOfDuck('BIGINT[]')).toBe('array(bigint)');
    expect(trinoTypeOfDuck('TIMESTAMP WITH TIME ZONE')).toBe('timestamp(3) with time zone');
    expect(trinoTypeOfDuck('MAP(VARCHAR, INTEGER)')).toBe('map(varchar, integer)');
    expect(trinoTypeOfDuck('HUGEINT')).toBe('bigint');
    expect(trinoTypeOfGlue('string')).toBe('varchar');
    expect(trinoTypeOfGlue('int')).toBe('integer');
    expect(trinoTypeOfGlue('timestamp')).toBe('timestamp(3)');
  });

  it('types decimal arithmetic by Trino’s rules', () => {
    expect(arithmeticType('/', 'decimal(12,2)', 'integer')).toBe('decimal(12,2)');
    expect(arithmeticType('/', 'decimal(5,2)', 'decimal(5,2)')).toBe('decimal(7,2)');
    expect(arithmeticType('*', 'decimal(12,2)', 'integer')).toBe('decimal(22,2)');
    expect(arithmeticType('+', 'decimal(12,2)', 'decimal(5,4)')).toBe('decimal(15,4)');
    expect(arithmeticType('/', 'integer', 'bigint')).toBe('bigint');
    expect(arithmeticType('/', 'double', 'decimal(5,2)')).toBe('double');
  });
});

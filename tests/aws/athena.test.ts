import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { ColumnInfo, Row } from '@aws-sdk/client-athena';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  AthenaQueryFailedError,
  AthenaQueryRetryableError,
  AthenaQueryTimeoutError,
  parseAthenaValue,
  runAthenaQuery,
} from '../../src/aws/athena.js';

const athena = mockClient(AthenaClient);
const query = { sql: 'SELECT id, amount FROM users', workgroup: 'lake-dev', database: 'lake_dev' };
const columns: ColumnInfo[] = [
  { Name: 'id', Label: 'id', Type: 'bigint' },
  { Name: 'amount', Label: 'amount', Type: 'decimal', Precision: 12, Scale: 2 },
  { Name: 'ok', Label: 'ok', Type: 'boolean' },
];
const row = (...values: Array<string | undefined>): Row => ({
  Data: values.map((v) => (v === undefined ? {} : { VarCharValue: v })),
});

beforeEach(() => athena.reset());

function fakeClock() {
  let t = 0;
  const waits: number[] = [];
  return { now: () => t, sleep: async (ms: number) => void (waits.push(ms), (t += ms)), waits };
}

describe('runAthenaQuery', () => {
  it('starts in the workgroup and database, polls with growing waits, and pages through typed rows', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-1' });
    athena
      .on(GetQueryExecutionCommand)
      .resolvesOnce({ QueryExecution: { Status: { State: 'QUEUED' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolvesOnce({ QueryExecution: { Status: { State: 'RUNNING' } } })
      .resolves({
        QueryExecution: {
          Status: { State: 'SUCCEEDED' },
          StatementType: 'DML',
          Statistics: { DataScannedInBytes: 1234, EngineExecutionTimeInMillis: 56 },
          ResultConfiguration: { OutputLocation: 's3://results/q-1.csv' },
        },
      });
    athena
      .on(GetQueryResultsCommand)
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('id', 'amount', 'ok'), row('1', '10.50', 'true')],
        },
        NextToken: 'n2',
      })
      .resolvesOnce({
        ResultSet: {
          ResultSetMetadata: { ColumnInfo: columns },
          Rows: [row('9007199254740993', undefined, 'false')],
        },
      });
    const clock = fakeClock();
    const result = await runAthenaQuery(new AthenaClient({ region: 'eu-west-1' }), query, {
      ...clock,
      pageSize: 2,
    });

    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryString: query.sql,
      WorkGroup: 'lake-dev',
      QueryExecutionContext: { Database: 'lake_dev', Catalog: 'AwsDataCatalog' },
    });
    expect(clock.waits).toEqual([200, 300, 450]);
    expect(athena.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual([
      { QueryExecutionId: 'q-1', NextToken: undefined, MaxResults: 2 },
      { QueryExecutionId: 'q-1', NextToken: 'n2', MaxResults: 2 },
    ]);
    expect(result.columns).toEqual([
      { name: 'id', type: 'bigint' },
      { name: 'amount', type: 'decimal' },
      { name: 'ok', type: 'boolean' },
    ]);
    expect(result.rows).toEqual([
      { id: 1n, amount: '10.50', ok: true },
      { id: 9007199254740993n, amount: null, ok: false },
    ]);
    expect(result.dataScannedBytes).toBe(1234);
    expect(result.outputLocation).toBe('s3://results/q-1.csv');
  });

  it('keeps the first row of DDL results (no header row there) and honours maxRows', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-2' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, StatementType: 'UTILITY' } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'tab_name', Type: 'string' }] },
        Rows: [row('users'), row('users_rejected')],
      },
      NextToken: 'more',
    });
    const result = await runAthenaQuery(
      new AthenaClient({ region: 'eu-west-1' }),
      { ...query, sql: 'SHOW TABLES' },
      { ...fakeClock(), maxRows: 1 },
    );
    expect(result.rows).toEqual([{ tab_name: 'users' }]);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(1);
  });

  it.each([
    [false, AthenaQueryFailedError],
    [true, AthenaQueryRetryableError],
  ])('a failed query (Retryable=%s) throws %o with the reason', async (retryable, ErrorClass) => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-3' });
    athena.on(GetQueryExecutionCommand).resolves({
      QueryExecution: {
        Status: {
          State: 'FAILED',
          StateChangeReason: "TABLE_NOT_FOUND: line 1:15: Table 'x' does not exist",
          AthenaError: { ErrorType: 1301, Retryable: retryable },
        },
      },
    });
    const err = await runAthenaQuery(
      new AthenaClient({ region: 'eu-west-1' }),
      query,
      fakeClock(),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ErrorClass);
    expect((err as Error).message).toMatch(/TABLE_NOT_FOUND/);
    expect(athena.commandCalls(GetQueryResultsCommand)).toHaveLength(0);
  });

  it('stops a query that outlives its timeout', async () => {
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q-4' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'RUNNING' } } });
    athena.on(StopQueryExecutionCommand).resolves({});
    const err = await runAthenaQuery(new AthenaClient({ region: 'eu-west-1' }), query, {
      ...fakeClock(),
      timeoutMs: 5000,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AthenaQueryTimeoutError);
    expect(athena.commandCalls(StopQueryExecutionCommand)[0]!.args[0].input).toEqual({
      QueryExecutionId: 'q-4',
    });
  });
});

describe('parseAthenaValue', () => {
  it.each([
    ['42', 'integer', 42],
    ['-7', 'smallint', -7],
    ['1.5', 'double', 1.5],
    ['NaN', 'double', Number.NaN],
    ['true', 'boolean', true],
    ['12.30', 'decimal(12,2)', '12.30'],
    ['2021-07-01', 'date', '2021-07-01'],
    ['héllo', 'varchar', 'héllo'],
    ['', 'varchar', ''],
    [undefined, 'varchar', null],
  ])('%s as %s', (text, type, expected) => {
    expect(parseAthenaValue(text, type)).toEqual(expected);
  });

  it('reads timestamps as UTC instants', () => {
    expect(parseAthenaValue('2021-07-01 09:05:06.789', 'timestamp')).toEqual(
      new Date('2021-07-01T09:05:06.789Z'),
    );
  });
});

/**
 * Athena queries for `lake query --stage NAME`: start in the stage's workgroup, poll with backoff
 * until the query ends, page through the results, and turn Athena's strings into typed values.
 */
import {
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
  StopQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import type { AthenaClient, ColumnInfo, QueryExecution } from '@aws-sdk/client-athena';
import { TerminalError, TransientError } from '../core/errors.js';

/** The query failed (bad SQL, missing table, permissions): fix the query or the stage. */
export class AthenaQueryFailedError extends TerminalError {
  override name = 'AthenaQueryFailedError';
}

/** Athena failed in a way it marks retryable (capacity, throttling, internal errors). */
export class AthenaQueryRetryableError extends TransientError {
  override name = 'AthenaQueryRetryableError';
}

/** The query ran past its time limit and was stopped. */
export class AthenaQueryTimeoutError extends TransientError {
  override name = 'AthenaQueryTimeoutError';
}

/** A value as this adapter types it: string, number, bigint, boolean, Date, or null. */
export type AthenaValue = string | number | bigint | boolean | Date | null;

/** One result column: name and Athena type. */
export interface AthenaColumn {
  name: string;
  type: string;
}

/** A finished query with its typed rows. */
export interface AthenaQueryResult {
  queryExecutionId: string;
  columns: AthenaColumn[];
  rows: Record<string, AthenaValue>[];
  /** Bytes Athena scanned (what it bills). */
  dataScannedBytes?: number;
  /** Engine time in ms. */
  executionTimeMs?: number;
  outputLocation?: string;
}

/** What to run and where. */
export interface AthenaQuery {
  sql: string;
  workgroup: string;
  database: string;
  /** Data catalog. @default 'AwsDataCatalog' */
  catalog?: string;
}

/** Polling and paging options. */
export interface AthenaQueryOptions {
  /** First wait between polls, ms; grows by 1.5x. @default 200 */
  initialDelayMs?: number;
  /** Longest wait between polls, ms. @default 2000 */
  maxDelayMs?: number;
  /** Stop the query after this long, ms. @default 300000 */
  timeoutMs?: number;
  /** Rows per GetQueryResults page (Athena allows at most 1000). @default 1000 */
  pageSize?: number;
  /** Keep at most this many rows (the rest are not fetched). */
  maxRows?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * Run one query to the end and return its typed rows.
 * @example const r = await runAthenaQuery(new AthenaClient({}), { sql: 'SELECT 1 AS x', workgroup: 'lake-dev', database: 'lake_dev' });
 */
export async function runAthenaQuery(
  client: AthenaClient,
  query: AthenaQuery,
  options: AthenaQueryOptions = {},
): Promise<AthenaQueryResult> {
  const sleep =
    options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const pageSize = Math.min(options.pageSize ?? 1000, 1000);
  const started = await client.send(
    new StartQueryExecutionCommand({
      QueryString: query.sql,
      WorkGroup: query.workgroup,
      QueryExecutionContext: {
        Database: query.database,
        Catalog: query.catalog ?? 'AwsDataCatalog',
      },
    }),
  );
  const id = started.QueryExecutionId;
  if (!id)
    throw new AthenaQueryFailedError('Athena returned no query execution id', {
      workgroup: query.workgroup,
    });
  const execution = await waitForQuery(client, id, { ...options, sleep, now });

  const result: AthenaQueryResult = {
    queryExecutionId: id,
    columns: [],
    rows: [],
    ...(execution.Statistics?.DataScannedInBytes !== undefined
      ? { dataScannedBytes: execution.Statistics.DataScannedInBytes }
      : {}),
    ...(execution.Statistics?.EngineExecutionTimeInMillis !== undefined
      ? { executionTimeMs: execution.Statistics.EngineExecutionTimeInMillis }
      : {}),
    ...(execution.ResultConfiguration?.OutputLocation
      ? { outputLocation: execution.ResultConfiguration.OutputLocation }
      : {}),
  };
  // SELECT results repeat the column labels as their first row; DDL and utility statements do not.
  let skipHeader = execution.StatementType === 'DML';
  let token: string | undefined;
  do {
    const page = await client.send(
      new GetQueryResultsCommand({ QueryExecutionId: id, NextToken: token, MaxResults: pageSize }),
    );
    const info = page.ResultSet?.ResultSetMetadata?.ColumnInfo ?? [];
    if (result.columns.length === 0) result.columns = info.map(toColumn);
    for (const row of page.ResultSet?.Rows ?? []) {
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      if (options.maxRows !== undefined && result.rows.length >= options.maxRows) return result;
      const record: Record<string, AthenaValue> = {};
      result.columns.forEach((col, i) => {
        record[col.name] = parseAthenaValue(row.Data?.[i]?.VarCharValue, col.type);
      });
      result.rows.push(record);
    }
    token = page.NextToken;
  } while (token && (options.maxRows === undefined || result.rows.length < options.maxRows));
  return result;
}

/** Poll GetQueryExecution until the query succeeds; throw a named error if it fails, is cancelled or times out. */
export async function waitForQuery(
  client: AthenaClient,
  queryExecutionId: string,
  options: AthenaQueryOptions & { sleep: (ms: number) => Promise<void>; now: () => number },
): Promise<QueryExecution> {
  const deadline = options.now() + (options.timeoutMs ?? 300_000);
  let delay = options.initialDelayMs ?? 200;
  for (;;) {
    const { QueryExecution: execution } = await client.send(
      new GetQueryExecutionCommand({ QueryExecutionId: queryExecutionId }),
    );
    const state = execution?.Status?.State;
    const context = { queryExecutionId };
    if (state === 'SUCCEEDED') return execution!;
    if (state === 'FAILED' || state === 'CANCELLED') {
      const reason =
        execution?.Status?.StateChangeReason ??
        execution?.Status?.AthenaError?.ErrorMessage ??
        state;
      const ErrorClass = execution?.Status?.AthenaError?.Retryable
        ? AthenaQueryRetryableError
        : AthenaQueryFailedError;
      throw new ErrorClass(`Athena query ${queryExecutionId} ${state.toLowerCase()}: ${reason}`, {
        ...context,
        ...(execution?.Status?.AthenaError?.ErrorType !== undefined
          ? { errorType: execution.Status.AthenaError.ErrorType }
          : {}),
      });
    }
    if (options.now() >= deadline) {
      await client
        .send(new StopQueryExecutionCommand({ QueryExecutionId: queryExecutionId }))
        .catch(() => undefined);
      throw new AthenaQueryTimeoutError(
        `Athena query ${queryExecutionId} still ${state ?? 'unknown'} after ${options.timeoutMs ?? 300_000} ms; stopped it`,
        context,
      );
    }
    await options.sleep(delay);
    delay = Math.min(options.maxDelayMs ?? 2000, Math.ceil(delay * 1.5));
  }
}

/**
 * Athena's text for one value, typed by its column type. Integers up to `integer` become numbers,
 * `bigint` a BigInt (exact), `decimal` stays a string (exact), floating types numbers, `boolean`
 * booleans, `timestamp` a UTC Date; `date` stays `YYYY-MM-DD`; anything else (arrays, maps,
 * rows, json, varchar) is the text as Athena gave it. An absent value is null.
 */
export function parseAthenaValue(text: string | undefined, type: string): AthenaValue {
  if (text === undefined) return null;
  const base = type.toLowerCase().replace(/\(.*$/, '').trim();
  switch (base) {
    case 'tinyint':
    case 'smallint':
    case 'integer':
    case 'int':
      return Number(text);
    case 'bigint':
      return BigInt(text);
    case 'double':
    case 'float':
    case 'real':
      return text === 'NaN'
        ? Number.NaN
        : text === 'Infinity'
          ? Infinity
          : text === '-Infinity'
            ? -Infinity
            : Number(text);
    case 'boolean':
      return text === 'true';
    case 'timestamp': {
      // Athena prints `2021-07-01 09:00:00.000` (UTC for our tables).
      const d = new Date(
        `${text.replace(' ', 'T')}${/[zZ]|[+-]\d\d:?\d\d$/.test(text) ? '' : 'Z'}`,
      );
      return Number.isNaN(d.getTime()) ? text : d;
    }
    default:
      return text;
  }
}

function toColumn(info: ColumnInfo): AthenaColumn {
  return { name: info.Name ?? info.Label ?? '', type: info.Type ?? 'varchar' };
}

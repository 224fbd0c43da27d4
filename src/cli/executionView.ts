/** Reading executions for people: names, source files, run summaries, waiting for the end. */
import type { ExecutionApi } from './twinHandle.js';
import { CliError, EXIT } from './errors.js';
import { formatDuration, formatTable } from './format.js';
import { datasetOfFile, filePatterns } from './datasetOfFile.js';
import type { Contract } from '../core/contract/types.js';
import { readableCause } from '../pipeline/errorCause.js';
import { describePartitions, type PartitionLike } from './partitionList.js';

/** One execution, described. */
export type ExecutionDescription = Awaited<ReturnType<ExecutionApi['describeExecution']>>;

/** The uploaded key (or reprocessed raw file) an execution input names. */
export function sourceKeyOfInput(input: unknown): string {
  const i = (typeof input === 'string' ? safeJson(input) : input) as
    { detail?: { object?: { key?: string } }; source?: { sourceKey?: string } } | undefined;
  return i?.detail?.object?.key ?? i?.source?.sourceKey ?? '?';
}

/** Parse JSON, or undefined. */
export function safeJson(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** The last segment of an execution ARN: what people type. */
export function shortName(arn: string): string {
  return arn.split(':').pop() ?? arn;
}

/** Resolve what a user typed (an ARN, a name, or a unique prefix of a name) to an ARN. */
export async function resolveExecution(api: ExecutionApi, id: string): Promise<string> {
  if (id.startsWith('arn:')) return id;
  const { executions } = await api.listExecutions({});
  const matches = executions.filter(
    (e) => shortName(e.executionArn) === id || shortName(e.executionArn).startsWith(id),
  );
  if (matches.length === 1) return matches[0]!.executionArn;
  if (matches.length === 0)
    throw new CliError(`no execution named "${id}"`, EXIT.usage, 'list them with: lake executions');
  throw new CliError(
    `"${id}" matches ${matches.length} executions`,
    EXIT.usage,
    'type more of the name',
  );
}

const finished = (d: ExecutionDescription) =>
  d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE';

/**
 * Wait until every execution has left RUNNING: on the twin by its wait (answered as each ends),
 * elsewhere by polling.
 */
export async function waitForAll(
  api: ExecutionApi,
  arns: string[],
  onDone?: (d: ExecutionDescription) => void,
): Promise<ExecutionDescription[]> {
  const { waitForExecution } = api;
  if (waitForExecution) {
    return Promise.all(
      arns.map(async (arn) => {
        let d = await waitForExecution.call(api, arn);
        // A wait that timed out, or a redrive about to start: look again shortly.
        while (!finished(d)) {
          await new Promise((r) => setTimeout(r, 150));
          d = await waitForExecution.call(api, arn);
        }
        onDone?.(d);
        return d;
      }),
    );
  }
  const done = new Map<string, ExecutionDescription>();
  while (done.size < arns.length) {
    for (const arn of arns) {
      if (done.has(arn)) continue;
      const d = await api.describeExecution(arn);
      if (finished(d)) {
        done.set(arn, d);
        onDone?.(d);
      }
    }
    if (done.size < arns.length) await new Promise((r) => setTimeout(r, 150));
  }
  return arns.map((a) => done.get(a)!);
}

interface SummaryLike {
  dataset?: string;
  rowsRead?: number;
  rowsCurated?: number;
  rowsRejected?: number;
  partitions?: PartitionLike[];
  files?: string[];
  filesWritten?: number;
  rowsPerFile?: number;
  warnings?: string[];
}

/** Files written and curated rows per curated file; outputs older than these fields count `files`. */
function fileCounts(out: SummaryLike): { files: number | null; rowsPerFile: number | null } {
  if (out.filesWritten !== undefined)
    return { files: out.filesWritten, rowsPerFile: out.rowsPerFile ?? null };
  if (!out.files) return { files: null, rowsPerFile: null };
  const curated = out.files.filter((f) => f.startsWith(`${out.dataset}/`)).length;
  return {
    files: out.files.length,
    rowsPerFile:
      curated && out.rowsCurated !== undefined ? Math.round(out.rowsCurated / curated) : null,
  };
}

/**
 * One table row per finished execution: file, status, rows, partitions, files, error name. A run
 * that failed early has no counts (blank, not NULL) and its dataset comes from the contracts' file
 * patterns; its whole error is printed under the table (`failureLines`).
 */
export function summaryTable(
  executions: ExecutionDescription[],
  contracts: readonly Contract[] = [],
): string {
  const rows = executions.map((d) => {
    const out = (safeJson(d.output) ?? {}) as SummaryLike;
    const counts = fileCounts(out);
    const took =
      d.stopDate && d.startDate
        ? new Date(d.stopDate).getTime() - new Date(d.startDate).getTime()
        : undefined;
    const file = sourceKeyOfInput(d.input);
    return [
      file,
      out.dataset ?? datasetOfFile(contracts, file) ?? '',
      d.status,
      out.rowsRead ?? null,
      out.rowsCurated ?? null,
      out.rowsRejected ?? null,
      out.partitions?.length ?? null,
      counts.files,
      counts.rowsPerFile,
      took === undefined ? '' : formatDuration(took),
      d.status === 'SUCCEEDED' ? '' : (d.error ?? d.status),
    ];
  });
  return formatTable(
    [
      'file',
      'dataset',
      'status',
      'read',
      'curated',
      'rejected',
      'partitions',
      'files',
      'rows/file',
      'took',
      'error',
    ],
    rows,
    { nullAs: '' },
  );
}

/** Each failed run's whole error under the table; an unknown file name lists the patterns. */
export function failureLines(
  executions: ExecutionDescription[],
  contracts: readonly Contract[] = [],
): string[] {
  const lines: string[] = [];
  for (const d of executions) {
    if (d.status === 'SUCCEEDED') continue;
    const cause = readableCause(d.cause).replace(/\s+/g, ' ').trim();
    lines.push(`${sourceKeyOfInput(d.input)}: ${d.error ?? d.status}${cause ? `: ${cause}` : ''}`);
    if (d.error === 'UnknownDatasetError' && contracts.length)
      lines.push(`  file names each dataset takes: ${filePatterns(contracts)}`);
  }
  return lines;
}

/**
 * Under the table: each execution's partitions (a few in full, else the count, the first and
 * the last; every one with `allPartitions`) and its warnings.
 */
export function summaryDetails(
  executions: ExecutionDescription[],
  allPartitions = false,
): string[] {
  const lines: string[] = [];
  for (const d of executions) {
    const out = (safeJson(d.output) ?? {}) as SummaryLike;
    const file = sourceKeyOfInput(d.input);
    if (out.partitions?.length) {
      const [first, ...rest] = describePartitions(out.partitions, allPartitions);
      lines.push(`${file}: ${first}`, ...rest.map((l) => `  ${l}`));
    }
    for (const w of out.warnings ?? []) lines.push(`warning: ${w}`);
  }
  return lines;
}

/** The run summaries as `lake ingest`, `lake dev` and `lake redrive` print them. */
export function printRunSummaries(
  executions: ExecutionDescription[],
  print: (line: string) => void,
  allPartitions = false,
  contracts: readonly Contract[] = [],
): void {
  print(summaryTable(executions, contracts));
  const failures = failureLines(executions, contracts);
  if (failures.length) print(`\n${failures.join('\n')}`);
  const details = summaryDetails(executions, allPartitions);
  if (details.length) print(`\n${details.join('\n')}`);
}

/** Shorten a long text for one table cell. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

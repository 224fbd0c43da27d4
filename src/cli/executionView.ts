/** Reading executions for people: names, source files, run summaries, waiting for the end. */
import type { ExecutionApi } from './twinHandle.js';
import { CliError, EXIT } from './errors.js';
import { formatTable } from './format.js';
import { readableCause } from '../pipeline/errorCause.js';

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

/** Poll until every execution has left RUNNING. */
export async function waitForAll(
  api: ExecutionApi,
  arns: string[],
  onDone?: (d: ExecutionDescription) => void,
): Promise<ExecutionDescription[]> {
  const done = new Map<string, ExecutionDescription>();
  while (done.size < arns.length) {
    for (const arn of arns) {
      if (done.has(arn)) continue;
      const d = await api.describeExecution(arn);
      if (d.status !== 'RUNNING' && d.status !== 'PENDING_REDRIVE') {
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
  partitions?: unknown[];
}

/** One table row per finished execution: file, status, rows, partitions, error. */
export function summaryTable(executions: ExecutionDescription[]): string {
  const rows = executions.map((d) => {
    const out = (safeJson(d.output) ?? {}) as SummaryLike;
    const took =
      d.stopDate && d.startDate
        ? new Date(d.stopDate).getTime() - new Date(d.startDate).getTime()
        : undefined;
    return [
      sourceKeyOfInput(d.input),
      out.dataset ?? '',
      d.status,
      out.rowsRead ?? null,
      out.rowsCurated ?? null,
      out.rowsRejected ?? null,
      out.partitions?.length ?? null,
      took === undefined ? '' : `${(took / 1000).toFixed(1)}s`,
      d.status === 'SUCCEEDED'
        ? ''
        : `${d.error ?? ''}: ${truncate(readableCause(d.cause), 100)}`.trim(),
    ];
  });
  return formatTable(
    ['file', 'dataset', 'status', 'read', 'curated', 'rejected', 'partitions', 'took', 'error'],
    rows,
  );
}

/** Shorten a long text for one table cell. */
export function truncate(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ');
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** The rows of the executions list: file, dataset, rows read/curated/rejected, duration, error. */
import { readableCause } from '../../src/pipeline/errorCause.js';
import type { ExecutionDescription, ExecutionListItem } from '../../src/local/workflow/index.js';
import type { ConsoleRunner } from './consoleBackend.js';

/** One line of the executions list. */
export interface ExecutionRow {
  name: string;
  executionArn: string;
  status: string;
  startDate: string;
  stopDate: string | null;
  durationMs: number | null;
  /** The uploaded key (or the reprocessed raw file's source key). */
  file: string;
  dataset: string | null;
  rowsRead: number | null;
  rowsCurated: number | null;
  rowsRejected: number | null;
  superseded: boolean;
  error: string | null;
  cause: string | null;
  redriveCount: number;
  redrivable: boolean;
}

interface InputLike {
  detail?: { object?: { key?: string } };
  source?: { sourceKey?: string; dataset?: string };
}
interface OutputLike {
  dataset?: string;
  rowsRead?: number;
  rowsCurated?: number;
  rowsRejected?: number;
  superseded?: boolean;
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** The dataset a failed execution's cause names (quarantine reports and data errors carry it). */
function datasetOfCause(cause: string | undefined): string | undefined {
  const parsed = parse<{ dataset?: unknown; errorMessage?: unknown }>(cause);
  return typeof parsed?.dataset === 'string' ? parsed.dataset : undefined;
}

/** A list row from a description; `datasetOf` names the dataset of a file that failed early. */
export function executionRow(
  d: ExecutionDescription,
  datasetOf: (file: string) => string | undefined = () => undefined,
): ExecutionRow {
  const input = parse<InputLike>(d.input) ?? {};
  const output = parse<OutputLike>(d.output) ?? {};
  const start = new Date(d.startDate);
  const stop = d.stopDate ? new Date(d.stopDate) : undefined;
  const file = input.detail?.object?.key ?? input.source?.sourceKey ?? '?';
  return {
    name: d.name,
    executionArn: d.executionArn,
    status: d.status,
    startDate: start.toISOString(),
    stopDate: stop ? stop.toISOString() : null,
    durationMs: stop ? stop.getTime() - start.getTime() : null,
    file,
    dataset:
      output.dataset ?? input.source?.dataset ?? datasetOfCause(d.cause) ?? datasetOf(file) ?? null,
    rowsRead: output.rowsRead ?? null,
    rowsCurated: output.rowsCurated ?? null,
    rowsRejected: output.rowsRejected ?? null,
    superseded: output.superseded === true,
    error: d.error ?? null,
    cause: d.cause === undefined ? null : readableCause(d.cause),
    redriveCount: d.redriveCount,
    redrivable: d.redriveStatus === 'REDRIVABLE',
  };
}

/**
 * Rows for every execution, newest first. A finished execution's description changes only when
 * it is redriven, so rows are cached by ARN, status and redrive count: a refresh reads only
 * what moved.
 */
export class ExecutionRows {
  private readonly cache = new Map<string, { stamp: string; row: ExecutionRow }>();

  constructor(
    private readonly runner: ConsoleRunner,
    private readonly datasetOf: (file: string) => string | undefined = () => undefined,
  ) {}

  async list(): Promise<ExecutionRow[]> {
    const { executions } = await this.runner.listExecutions({});
    return Promise.all(executions.map((e) => this.row(e)));
  }

  async row(item: Pick<ExecutionListItem, 'executionArn' | 'status' | 'redriveCount'>) {
    const stamp = `${item.status}:${item.redriveCount}`;
    const cached = this.cache.get(item.executionArn);
    if (cached && cached.stamp === stamp && item.status !== 'RUNNING') return cached.row;
    const row = executionRow(
      await this.runner.describeExecution(item.executionArn),
      this.datasetOf,
    );
    this.cache.set(item.executionArn, { stamp: `${row.status}:${row.redriveCount}`, row });
    return row;
  }
}

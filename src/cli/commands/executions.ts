/** `lake executions`, `lake show ID`, `lake redrive ID`: the Step Functions console, in a terminal. */
import type { TwinConfig } from '../../local/twinConfig.js';
import { readableCause } from '../../pipeline/errorCause.js';
import { formatDuration, formatTable } from '../format.js';
import {
  resolveExecution,
  safeJson,
  printRunSummaries,
  shortName,
  sourceKeyOfInput,
  truncate,
  waitForAll,
} from '../executionView.js';
import { compactOutput } from '../partitionList.js';
import { withTwin } from '../twinHandle.js';
import { CliError, EXIT } from '../errors.js';
import { executionRow } from '../../../console/server/executionRows.js';
import { datasetOfFile } from '../datasetOfFile.js';

/** The statuses `--status` accepts (any case). */
export const EXECUTION_STATUSES = [
  'RUNNING',
  'SUCCEEDED',
  'FAILED',
  'ABORTED',
  'TIMED_OUT',
  'PENDING_REDRIVE',
] as const;

/** `--status` in upper case; an unknown value is a usage error (exit 2), before any work. */
export function parseStatus(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const status = value.toUpperCase();
  if (!(EXECUTION_STATUSES as readonly string[]).includes(status))
    throw new CliError(
      `unknown status "${value}"`,
      EXIT.usage,
      `use one of ${EXECUTION_STATUSES.join(', ')} (any case)`,
    );
  return status;
}

/** Recent executions, newest first, with their source file and status; `json` for scripts. */
export async function listExecutions(
  config: TwinConfig,
  options: { status?: string; limit?: number; json?: boolean },
  print: (line: string) => void,
): Promise<number> {
  const status = parseStatus(options.status);
  return withTwin(config, {}, async (twin) => {
    const { executions } = await twin.executions.listExecutions({});
    const chosen = executions
      .filter((e) => !status || e.status === status)
      .sort((a, b) => new Date(b.startDate).getTime() - new Date(a.startDate).getTime())
      .slice(0, options.limit ?? 20);
    if (options.json) {
      const rows = [];
      for (const e of chosen) {
        const row = executionRow(await twin.executions.describeExecution(e.executionArn), (f) =>
          datasetOfFile(twin.contracts, f),
        );
        rows.push(row);
      }
      print(JSON.stringify(rows, null, 2));
      return EXIT.ok;
    }
    const rows = [];
    for (const e of chosen) {
      const d = await twin.executions.describeExecution(e.executionArn);
      rows.push([
        shortName(e.executionArn),
        sourceKeyOfInput(d.input),
        d.status,
        d.error ?? '',
        new Date(d.startDate).toISOString(),
        d.stopDate
          ? formatDuration(new Date(d.stopDate).getTime() - new Date(d.startDate).getTime())
          : '',
      ]);
    }
    print(
      rows.length
        ? formatTable(['execution', 'file', 'status', 'error', 'started', 'took'], rows)
        : executions.length
          ? `No ${status} executions (${executions.length} in all). List them with: lake executions`
          : 'No executions yet. Upload a file, or run: npm start',
    );
    return EXIT.ok;
  });
}

type Event = Record<string, unknown> & { id: number; type: string; timestamp: string | Date };

function eventDetail(event: Event): string {
  const details = Object.entries(event).find(([k]) => k.endsWith('EventDetails'))?.[1] as
    Record<string, unknown> | undefined;
  if (!details) return '';
  const parts: string[] = [];
  if (typeof details.name === 'string') parts.push(details.name);
  if (typeof details.error === 'string') parts.push(`error=${details.error}`);
  if (typeof details.cause === 'string')
    parts.push(`cause=${truncate(readableCause(details.cause), 120)}`);
  for (const field of ['input', 'output']) {
    if (typeof details[field] === 'string')
      parts.push(`${field}=${truncate(details[field] as string, 120)}`);
  }
  if (typeof details.index === 'number') parts.push(`iteration ${details.index}`);
  return parts.join('  ');
}

/**
 * The state-by-state timeline of one execution: entries, results, errors, retries; then its
 * output, long partition and file lists summarised unless `allPartitions`.
 */
export async function showExecution(
  config: TwinConfig,
  id: string,
  print: (line: string) => void,
  options: { allPartitions?: boolean } = {},
): Promise<number> {
  return withTwin(config, {}, async (twin) => {
    const arn = await resolveExecution(twin.executions, id);
    const d = await twin.executions.describeExecution(arn);
    const { events } = (await twin.executions.getExecutionHistory(arn)) as unknown as {
      events: Event[];
    };
    const t0 = new Date(d.startDate).getTime();
    print(
      `${shortName(arn)}  ${d.status}  file=${sourceKeyOfInput(d.input)}${d.redriveCount ? `  redrives=${d.redriveCount}` : ''}`,
    );
    if (d.error) print(`error: ${d.error}: ${readableCause(d.cause)}`);
    print(
      formatTable(
        ['#', '+time', 'event', 'detail'],
        events.map((e) => [
          e.id,
          formatDuration(new Date(e.timestamp).getTime() - t0),
          e.type,
          eventDetail(e),
        ]),
      ),
    );
    const output = safeJson(d.output);
    const warnings = (output as { warnings?: unknown } | undefined)?.warnings;
    if (Array.isArray(warnings)) for (const w of warnings) print(`warning: ${String(w)}`);
    if (output)
      print(`output: ${JSON.stringify(compactOutput(output, options.allPartitions), null, 2)}`);
    return EXIT.ok;
  });
}

/** Redrive a failed or aborted execution from where it failed, and wait for it. */
export async function redriveExecution(
  config: TwinConfig,
  id: string,
  print: (line: string) => void,
  options: { allPartitions?: boolean } = {},
): Promise<number> {
  return withTwin(config, {}, async (twin) => {
    const arn = await resolveExecution(twin.executions, id);
    await twin.executions.redriveExecution(arn);
    print(`  redriving ${shortName(arn)}…`);
    const [done] = await waitForAll(twin.executions, [arn]);
    printRunSummaries([done!], print, options.allPartitions, twin.contracts);
    return done!.status === 'SUCCEEDED' ? EXIT.ok : EXIT.failed;
  });
}

/**
 * `lake redrive --aborted`: resume every execution a stop left ABORTED (a Ctrl-C or a crash of
 * the twin while it ran), each at the state it was in.
 */
export async function redriveAborted(
  config: TwinConfig,
  print: (line: string) => void,
  options: { allPartitions?: boolean } = {},
): Promise<number> {
  return withTwin(config, {}, async (twin) => {
    const { executions } = await twin.executions.listExecutions({});
    const aborted = executions.filter((e) => e.status === 'ABORTED').map((e) => e.executionArn);
    if (aborted.length === 0) {
      print('  no aborted executions');
      return EXIT.ok;
    }
    for (const arn of aborted) await twin.executions.redriveExecution(arn);
    print(`  redriving ${aborted.length} aborted execution(s)…`);
    const done = await waitForAll(twin.executions, aborted);
    printRunSummaries(done, print, options.allPartitions, twin.contracts);
    return done.every((d) => d.status === 'SUCCEEDED') ? EXIT.ok : EXIT.failed;
  });
}

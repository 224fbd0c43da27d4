/**
 * What each state of one execution did, read from its history the way the Step Functions graph
 * view colours its nodes: entered and not left is running, left after a caught error is caught,
 * a failure the execution ended on is failed.
 */
import type { HistoryEvent } from '../../src/local/workflow/index.js';

/** A state's status in the graph. */
export type StateStatus = 'notRun' | 'running' | 'succeeded' | 'failed' | 'caught' | 'aborted';

/** One state's runs, summed over Map iterations and redrives. */
export interface StateRun {
  name: string;
  status: StateStatus;
  /** How often it was entered (Map iterations enter inner states once each). */
  entered: number;
  /** Task attempts beyond the first, per entry, summed: Retry at work. */
  retries: number;
  /** Inputs and outputs of the latest entry (JSON text as in the history). */
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Map states: iterations started, succeeded and failed. */
  iterations?: { started: number; succeeded: number; failed: number };
  /** Map states: each chunk run (an iteration, or a Distributed Map's child execution). */
  chunks?: ChunkRun[];
  /** Distributed Map states: the Map Run whose child executions ran the chunks. */
  mapRunArn?: string;
}

/** One run of a Map's processor. */
export interface ChunkRun {
  index: number;
  status: StateStatus;
  /** A Distributed Map's child execution. */
  executionArn?: string;
}

type Details = {
  name?: string;
  input?: string;
  output?: string;
  error?: string;
  cause?: string;
  index?: number;
  mapRunArn?: string;
};

const ITERATION_STATUS: Record<string, StateStatus> = {
  MapIterationStarted: 'running',
  MapIterationSucceeded: 'succeeded',
  MapIterationFailed: 'failed',
  MapIterationAborted: 'aborted',
};

function detailsOf(event: HistoryEvent): Details | undefined {
  const entry = Object.entries(event).find(([k]) => k.endsWith('EventDetails'));
  return entry?.[1] as Details | undefined;
}

/** Per state name, what it did; states the history never names are absent (not run). */
export function stateRuns(events: HistoryEvent[], executionStatus: string): Map<string, StateRun> {
  const runs = new Map<string, StateRun>();
  // The state a task event belongs to: the innermost one entered and not yet left, per scope.
  // Map iterations interleave, so task events are attributed by their previousEventId chain.
  const stateOfEvent = new Map<number, string>();
  const run = (name: string): StateRun => {
    let r = runs.get(name);
    if (!r) runs.set(name, (r = { name, status: 'running', entered: 0, retries: 0 }));
    return r;
  };
  const scheduledPerEntry = new Map<number, number>();
  const entryOfEvent = new Map<number, number>();
  for (const event of events) {
    const d = detailsOf(event);
    const type = String(event.type);
    const previous = (event as { previousEventId?: number }).previousEventId ?? 0;
    if (type.endsWith('StateEntered') && d?.name) {
      const r = run(d.name);
      r.entered += 1;
      r.status = 'running';
      if (d.input !== undefined) r.input = d.input;
      delete r.error;
      delete r.cause;
      stateOfEvent.set(event.id, d.name);
      entryOfEvent.set(event.id, event.id);
      continue;
    }
    const owner = stateOfEvent.get(previous);
    const entry = entryOfEvent.get(previous);
    if (owner !== undefined) stateOfEvent.set(event.id, owner);
    if (entry !== undefined) entryOfEvent.set(event.id, entry);
    if (type.endsWith('StateExited') && d?.name) {
      const r = run(d.name);
      if (d.output !== undefined) r.output = d.output;
      r.status = r.error ? 'caught' : 'succeeded';
      continue;
    }
    if (type.startsWith('MapIteration') && d?.name) {
      // Iteration events name their Map; their chain runs through the inner states.
      const map = run(d.name);
      const it = (map.iterations ??= { started: 0, succeeded: 0, failed: 0 });
      if (type === 'MapIterationStarted') it.started += 1;
      else if (type === 'MapIterationSucceeded') it.succeeded += 1;
      else it.failed += 1;
      if (typeof d.index === 'number') {
        const chunks = (map.chunks ??= []);
        const status = ITERATION_STATUS[type] ?? 'failed';
        const chunk = chunks.find((c) => c.index === d.index);
        if (chunk) chunk.status = status;
        else chunks.push({ index: d.index, status });
        chunks.sort((a, b) => a.index - b.index);
      }
      continue;
    }
    if (owner === undefined) continue;
    const r = run(owner);
    if (type === 'MapRunStarted' && d?.mapRunArn) {
      r.mapRunArn = d.mapRunArn;
    } else if (type === 'TaskScheduled' && entry !== undefined) {
      const n = (scheduledPerEntry.get(entry) ?? 0) + 1;
      scheduledPerEntry.set(entry, n);
      if (n > 1) r.retries += 1;
    } else if (type.endsWith('Failed') || type.endsWith('TimedOut')) {
      if (d?.error !== undefined) r.error = d.error;
      if (d?.cause !== undefined) r.cause = d.cause;
      r.status = 'failed';
    } else if (type.endsWith('Succeeded') && r.status === 'failed' && !type.startsWith('Map')) {
      // A retried task that then succeeded.
      delete r.error;
      delete r.cause;
      r.status = 'running';
    }
  }
  // A state still "running" when the execution is over did not finish: the execution stopped there.
  for (const r of runs.values()) {
    if (executionStatus === 'RUNNING') continue;
    const stopped: StateStatus = executionStatus === 'ABORTED' ? 'aborted' : 'failed';
    if (r.status === 'running') r.status = stopped;
    for (const c of r.chunks ?? []) if (c.status === 'running') c.status = stopped;
  }
  return runs;
}

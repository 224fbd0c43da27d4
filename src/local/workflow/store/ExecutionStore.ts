import type { ExecutionStatus, HistoryEvent } from '../types.js';

/** What the store keeps about one execution (JSON-safe: dates as ISO strings). */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: string;
  stopDate?: string;
  /** The execution input, as a JSON string. */
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: string;
  /** Set on Distributed Map child executions. */
  mapRunArn?: string;
  parentExecutionArn?: string;
  /** Id of the runner that runs it; an orphan is RUNNING with no live owner. */
  ownerId?: string;
}

/**
 * Redrive checkpoint of one scope (the execution, a branch, an iteration): the state it is in
 * with that state's input and the scope's variables at entry, or its final output.
 */
export interface ScopeProgress {
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  state?: string;
  input?: unknown;
  variables?: Record<string, unknown>;
  output?: unknown;
  /** For a Distributed Map item: the child execution that runs it. */
  childArn?: string;
}

/** Persistence of executions, their history and their redrive progress. */
export interface ExecutionStore {
  /** Creates or replaces an execution record. */
  putExecution(record: ExecutionRecord): Promise<void>;
  /** One execution record, or undefined. */
  getExecution(executionArn: string): Promise<ExecutionRecord | undefined>;
  /** Every execution record, in start order. */
  listExecutions(): Promise<ExecutionRecord[]>;
  /** Appends history events (ids already assigned). */
  appendEvents(executionArn: string, events: HistoryEvent[]): Promise<void>;
  /** The whole history, oldest first. */
  getHistory(executionArn: string): Promise<HistoryEvent[]>;
  /** Sets (or, with undefined, removes) the progress of one scope path. */
  putProgress(
    executionArn: string,
    path: string,
    progress: ScopeProgress | undefined,
  ): Promise<void>;
  /** Every scope's progress, keyed by path. */
  getProgress(executionArn: string): Promise<Record<string, ScopeProgress>>;
}

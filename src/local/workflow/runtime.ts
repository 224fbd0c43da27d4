import type { HistoryEventType } from '@aws-sdk/client-sfn';
import type { Clock } from './clock.js';
import type { EventDetails, HistoryRecorder } from './history.js';
import type { SerialQueue } from './serialQueue.js';
import type { ExecutionStore, ScopeProgress } from './store/ExecutionStore.js';
import type { AslStates, LambdaHandler, ObjectReader, TaskIntegration } from './types.js';

/** A Distributed Map item handed to the runner, which runs it as a child execution. */
export interface ChildRequest {
  parent: ExecutionRuntime;
  processor: AslStates;
  mapRunArn: string;
  stateMachineArn: string;
  input: unknown;
  /** Set on redrive: the child that ran this item before. */
  previousChildArn?: string;
  signal: AbortSignal;
  onStarted: (childArn: string) => void;
}

/** The runner's services that states need. */
export interface RunnerDeps {
  lambdas: Record<string, LambdaHandler>;
  integrations: Record<string, TaskIntegration>;
  clock: Clock;
  objectReader?: ObjectReader;
  maxConcurrency: number;
  region: string;
  accountId: string;
  runChild: (request: ChildRequest) => Promise<unknown>;
}

/** Redrive checkpoints of one execution, kept in memory and written through to the store. */
export class ProgressTracker {
  private readonly scopes: Map<string, ScopeProgress>;

  constructor(
    private readonly executionArn: string,
    private readonly store: ExecutionStore,
    private readonly queue: SerialQueue,
    initial: Record<string, ScopeProgress> = {},
  ) {
    this.scopes = new Map(Object.entries(initial));
  }

  /** The checkpoint of a scope path. */
  get(path: string): ScopeProgress | undefined {
    return this.scopes.get(path);
  }

  /** Saves a scope's checkpoint. */
  set(path: string, progress: ScopeProgress): void {
    const copy = structuredClone(progress);
    this.scopes.set(path, copy);
    this.queue.push(() => this.store.putProgress(this.executionArn, path, copy));
  }

  /** Forgets every scope below `prefix` (a Map or Parallel entered afresh). */
  clearUnder(prefix: string): void {
    for (const path of [...this.scopes.keys()]) {
      if (path.startsWith(prefix)) {
        this.scopes.delete(path);
        this.queue.push(() => this.store.putProgress(this.executionArn, path, undefined));
      }
    }
  }
}

/** One running execution (top-level or a Distributed Map child). */
export interface ExecutionRuntime {
  arn: string;
  name: string;
  stateMachineArn: string;
  stateMachineName: string;
  input: unknown;
  startTime: string;
  roleArn: string;
  redriveCount: number;
  redriveTime?: string;
  history: HistoryRecorder;
  progress: ProgressTracker;
  deps: RunnerDeps;
}

/** A variable scope and event chain: the execution, a Parallel branch or a Map iteration. */
export interface Scope {
  rt: ExecutionRuntime;
  path: string;
  /** Variables of enclosing scopes: readable, never assignable. */
  outer: Readonly<Record<string, unknown>>;
  local: Record<string, unknown>;
  prevEventId: number;
  signal: AbortSignal;
}

/** Records a history event in this scope's chain. */
export function emit(scope: Scope, type: HistoryEventType, details: EventDetails = {}): number {
  const id = scope.rt.history.emit(type, details, scope.prevEventId);
  scope.prevEventId = id;
  return id;
}

/** Every variable the scope can read. */
export function visibleVariables(scope: Scope): Record<string, unknown> {
  return { ...scope.outer, ...scope.local };
}

/** A nested scope (branch or iteration) that reads the parent's variables as they are now. */
export function childScope(parent: Scope, path: string, signal: AbortSignal): Scope {
  return {
    rt: parent.rt,
    path,
    outer: visibleVariables(parent),
    local: {},
    prevEventId: parent.prevEventId,
    signal,
  };
}

/** Raised inside a scope whose Map or Parallel was stopped by a sibling's failure. */
export class ScopeAborted extends Error {
  constructor() {
    super('aborted');
    this.name = 'ScopeAborted';
  }
}

import { randomUUID } from 'node:crypto';
import { SystemClock, type Clock } from './clock.js';
import { describeRecord, listItem } from './describe.js';
import { StatesError } from './errors.js';
import { runExecution } from './execution.js';
import { HistoryRecorder, payload } from './history.js';
import { checkPayload } from './limits.js';
import {
  ProgressTracker,
  ScopeAborted,
  type ChildRequest,
  type ExecutionRuntime,
  type RunnerDeps,
} from './runtime.js';
import { SerialQueue } from './serialQueue.js';
import type { ExecutionRecord, ExecutionStore, ScopeProgress } from './store/ExecutionStore.js';
import { MemoryExecutionStore } from './store/MemoryExecutionStore.js';
import type {
  AslDefinition,
  AslStates,
  ExecutionDescription,
  ExecutionEvent,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  WorkflowRunnerOptions,
} from './types.js';
import { validateDefinition } from './validate.js';

const REGION = 'local';
const ACCOUNT = '000000000000';

/** An API error shaped like the Step Functions service's (`name` is the exception). */
export class WorkflowApiError extends Error {
  constructor(
    name:
      | 'ExecutionAlreadyExists'
      | 'ExecutionDoesNotExist'
      | 'ExecutionNotRedrivable'
      | 'InvalidExecutionInput'
      | 'InvalidName',
    message: string,
  ) {
    super(message);
    this.name = name;
  }
}

/**
 * Runs one JSONata state machine locally with AWS's semantics, keeping execution history and
 * redrive checkpoints in a store. Its methods mirror StartExecution, DescribeExecution,
 * ListExecutions, GetExecutionHistory and RedriveExecution.
 *
 * @example
 * const runner = new WorkflowRunner({ definition, lambdas: { Hello: async (e) => ({ hi: e }) } });
 * const { executionArn } = await runner.startExecution({ input: { name: 'x' } });
 * const result = await runner.waitForExecution(executionArn); // result.status, result.output
 */
export class WorkflowRunner {
  /** The state machine's ARN. */
  readonly stateMachineArn: string;
  /** The state machine's name. */
  readonly name: string;
  private readonly definition: AslDefinition;
  private readonly store: ExecutionStore;
  private readonly clock: Clock;
  private readonly deps: RunnerDeps;
  private readonly roleArn: string;
  private readonly ownerId = randomUUID();
  private readonly live = new Map<string, Promise<ExecutionRecord>>();
  /** The stop switch of each top-level execution running here (see `stopAll`). */
  private readonly stops = new Map<string, AbortController>();
  private readonly listeners = new Set<(event: ExecutionEvent) => void>();

  constructor(options: WorkflowRunnerOptions) {
    validateDefinition(options.definition, { skipSchema: options.skipValidation });
    this.definition = structuredClone(options.definition);
    this.name = options.name ?? options.stateMachineArn?.split(':').pop() ?? 'StateMachine';
    this.stateMachineArn =
      options.stateMachineArn ?? `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${this.name}`;
    this.store = options.store ?? new MemoryExecutionStore();
    this.clock = options.clock ?? new SystemClock();
    this.roleArn = options.roleArn ?? `arn:aws:iam::${ACCOUNT}:role/local-stepfunctions`;
    this.deps = {
      lambdas: options.lambdas ?? {},
      integrations: options.integrations ?? {},
      clock: this.clock,
      objectReader: options.objectReader,
      maxConcurrency: options.maxConcurrency ?? 40,
      region: REGION,
      accountId: ACCOUNT,
      runChild: (request) => this.runChild(request),
    };
  }

  /** Starts an execution and returns at once; it runs in the background. A string input is parsed as JSON, as in the API. */
  async startExecution(
    request: { input?: unknown; name?: string } = {},
  ): Promise<{ executionArn: string; startDate: Date }> {
    const name = request.name ?? randomUUID();
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name))
      throw new WorkflowApiError('InvalidName', `Invalid execution name '${name}'`);
    const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${this.name}:${name}`;
    if (await this.store.getExecution(executionArn))
      throw new WorkflowApiError(
        'ExecutionAlreadyExists',
        `Execution already exists: '${executionArn}'`,
      );
    const input = parseInput(request.input);
    const startDate = new Date(this.clock.now());
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      status: 'RUNNING',
      startDate: startDate.toISOString(),
      input: JSON.stringify(input),
      redriveCount: 0,
      ownerId: this.ownerId,
    };
    await this.store.putExecution(record);
    this.launch(
      record,
      this.definition,
      input,
      this.stopSwitch(executionArn),
      undefined,
      this.definition.TimeoutSeconds,
    );
    return { executionArn, startDate };
  }

  /** Resolves when the execution is no longer RUNNING, with its description. */
  async waitForExecution(executionArn: string): Promise<ExecutionDescription> {
    await this.live.get(executionArn);
    return this.describeExecution(executionArn);
  }

  /** DescribeExecution. */
  async describeExecution(executionArn: string): Promise<ExecutionDescription> {
    return describeRecord(await this.mustGet(executionArn));
  }

  /** ListExecutions of this state machine, newest first; with `mapRunArn`, a Map Run's children. */
  async listExecutions(
    filter: { statusFilter?: ExecutionStatus; maxResults?: number; mapRunArn?: string } = {},
  ): Promise<{ executions: ExecutionListItem[] }> {
    const records = (await this.store.listExecutions())
      .filter((r) =>
        filter.mapRunArn
          ? r.mapRunArn === filter.mapRunArn
          : r.stateMachineArn === this.stateMachineArn && !r.parentExecutionArn,
      )
      .filter((r) => !filter.statusFilter || r.status === filter.statusFilter)
      .sort((a, b) => b.startDate.localeCompare(a.startDate));
    const limited = filter.maxResults ? records.slice(0, filter.maxResults) : records;
    return { executions: limited.map(listItem) };
  }

  /** GetExecutionHistory. */
  async getExecutionHistory(
    executionArn: string,
    options: { reverseOrder?: boolean } = {},
  ): Promise<{ events: HistoryEvent[] }> {
    await this.mustGet(executionArn);
    const events = await this.store.getHistory(executionArn);
    return { events: options.reverseOrder ? events.reverse() : events };
  }

  /**
   * RedriveExecution: resumes a FAILED, TIMED_OUT or ABORTED execution at the state that did not
   * finish, with that state's saved input and variables; succeeded states, Map iterations and
   * Parallel branches are not rerun (DG redrive-executions.html).
   */
  async redriveExecution(executionArn: string): Promise<{ redriveDate: Date }> {
    const record = await this.mustGet(executionArn);
    if (record.parentExecutionArn)
      throw new WorkflowApiError(
        'ExecutionNotRedrivable',
        'Child executions of a Distributed Map are redriven through their parent',
      );
    if (
      this.live.has(executionArn) ||
      !['FAILED', 'TIMED_OUT', 'ABORTED'].includes(record.status)
    ) {
      throw new WorkflowApiError(
        'ExecutionNotRedrivable',
        `Execution is ${record.status} and cannot be redriven: ${executionArn}`,
      );
    }
    const progress = await this.store.getProgress(executionArn);
    const redriveDate = new Date(this.clock.now());
    this.prepareRedrive(record, redriveDate);
    await this.store.putExecution(record);
    this.launch(
      record,
      this.definition,
      JSON.parse(record.input),
      this.stopSwitch(executionArn),
      progress,
      this.definition.TimeoutSeconds,
    );
    return { redriveDate };
  }

  /** Streams every history event of every execution as it happens; returns the unsubscribe. */
  subscribe(listener: (event: ExecutionEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * For a restarted process: executions the store says are RUNNING that no live runner owns
   * become ABORTED (and so redrivable), each with an ExecutionAborted event. Returns their ARNs.
   */
  async abortOrphans(cause: string): Promise<string[]> {
    const aborted: string[] = [];
    for (const record of await this.store.listExecutions()) {
      if (record.status !== 'RUNNING' || this.live.has(record.executionArn)) continue;
      if (record.stateMachineArn !== this.stateMachineArn && !record.parentExecutionArn) continue;
      const history = await this.store.getHistory(record.executionArn);
      const lastId = history.at(-1)?.id ?? 0;
      const event: HistoryEvent = {
        id: lastId + 1,
        previousEventId: lastId,
        timestamp: new Date(this.clock.now()),
        type: 'ExecutionAborted',
        executionAbortedEventDetails: { cause },
      };
      await this.store.appendEvents(record.executionArn, [event]);
      Object.assign(record, { status: 'ABORTED', cause, stopDate: event.timestamp.toISOString() });
      await this.store.putExecution(record);
      this.publish({ ...event, executionArn: record.executionArn });
      aborted.push(record.executionArn);
    }
    return aborted;
  }

  /**
   * Stops every execution this runner has running (a process shutting down): each ends ABORTED
   * with an ExecutionAborted event carrying `cause`, and can be redriven later, here or by a
   * restarted process. Handlers in flight are abandoned, not awaited (as Step Functions does not
   * wait for a Lambda when it stops an execution). Resolves when all are recorded; returns their ARNs.
   */
  async stopAll(cause: string): Promise<string[]> {
    const arns = [...this.stops.keys()];
    for (const stop of this.stops.values()) stop.abort(cause);
    await this.idle();
    return arns;
  }

  /** Waits for every execution this runner has running (for tests and clean shutdown). */
  async idle(): Promise<void> {
    while (this.live.size > 0) await Promise.allSettled([...this.live.values()]);
  }

  private async mustGet(executionArn: string): Promise<ExecutionRecord> {
    const record = await this.store.getExecution(executionArn);
    if (!record)
      throw new WorkflowApiError(
        'ExecutionDoesNotExist',
        `Execution does not exist: '${executionArn}'`,
      );
    return record;
  }

  private stopSwitch(executionArn: string): AbortSignal {
    const stop = new AbortController();
    this.stops.set(executionArn, stop);
    return stop.signal;
  }

  private publish(event: ExecutionEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // A faulty subscriber must not break the execution.
      }
    }
  }

  private prepareRedrive(record: ExecutionRecord, redriveDate: Date): void {
    record.redriveCount += 1;
    record.redriveDate = redriveDate.toISOString();
    record.status = 'RUNNING';
    record.ownerId = this.ownerId;
    delete record.error;
    delete record.cause;
    delete record.output;
    delete record.stopDate;
  }

  /** Builds the runtime, writes ExecutionStarted or ExecutionRedriven, and runs in the background. */
  private launch(
    record: ExecutionRecord,
    block: AslStates,
    input: unknown,
    signal: AbortSignal,
    progress: Record<string, ScopeProgress> | undefined,
    timeoutSeconds?: number,
  ): Promise<ExecutionRecord> {
    const queue = new SerialQueue();
    const stateMachineName = record.stateMachineArn.split(':').pop() ?? this.name;
    const done = (async () => {
      const lastId = progress
        ? ((await this.store.getHistory(record.executionArn)).at(-1)?.id ?? 0)
        : 0;
      const rt: ExecutionRuntime = {
        arn: record.executionArn,
        name: record.name,
        stateMachineArn: record.stateMachineArn,
        stateMachineName,
        input,
        startTime: record.startDate,
        roleArn: this.roleArn,
        redriveCount: record.redriveCount,
        redriveTime: record.redriveDate,
        history: new HistoryRecorder(
          record.executionArn,
          this.store,
          this.clock,
          queue,
          (e) => this.publish(e),
          lastId,
        ),
        progress: new ProgressTracker(record.executionArn, this.store, queue, progress),
        deps: this.deps,
      };
      if (progress) {
        rt.history.emit(
          'ExecutionRedriven',
          { executionRedrivenEventDetails: { redriveCount: record.redriveCount } },
          lastId,
        );
      } else {
        const data = payload(input);
        rt.history.emit(
          'ExecutionStarted',
          {
            executionStartedEventDetails: {
              input: data.text,
              inputDetails: data.details,
              roleArn: this.roleArn,
            },
          },
          0,
        );
      }
      return runExecution({
        rt,
        block,
        record,
        store: this.store,
        queue,
        signal,
        timeoutSeconds,
        resume: progress?.[''],
      });
    })().finally(() => {
      this.live.delete(record.executionArn);
      if (this.stops.get(record.executionArn)?.signal === signal)
        this.stops.delete(record.executionArn);
    });
    this.live.set(record.executionArn, done);
    return done;
  }

  /** A Distributed Map item: a child execution with its own history and no outer variables. */
  private async runChild(request: ChildRequest): Promise<unknown> {
    const previous = request.previousChildArn
      ? await this.store.getExecution(request.previousChildArn)
      : undefined;
    let finished: ExecutionRecord;
    if (previous && previous.status !== 'SUCCEEDED' && !this.live.has(previous.executionArn)) {
      const progress = await this.store.getProgress(previous.executionArn);
      this.prepareRedrive(previous, new Date(this.clock.now()));
      await this.store.putExecution(previous);
      request.onStarted(previous.executionArn);
      finished = await this.launch(
        previous,
        request.processor,
        JSON.parse(previous.input),
        request.signal,
        progress,
      );
    } else {
      const name = randomUUID();
      const label = request.stateMachineArn.split(':stateMachine:')[1] ?? this.name;
      const record: ExecutionRecord = {
        executionArn: `arn:aws:states:${REGION}:${ACCOUNT}:execution:${label}:${name}`,
        stateMachineArn: request.stateMachineArn,
        name,
        status: 'RUNNING',
        startDate: new Date(this.clock.now()).toISOString(),
        input: JSON.stringify(request.input ?? null),
        redriveCount: 0,
        mapRunArn: request.mapRunArn,
        parentExecutionArn: request.parent.arn,
        ownerId: this.ownerId,
      };
      await this.store.putExecution(record);
      request.onStarted(record.executionArn);
      finished = await this.launch(
        record,
        request.processor,
        request.input,
        request.signal,
        undefined,
      );
    }
    if (finished.status === 'ABORTED' && request.signal.aborted) throw new ScopeAborted();
    if (finished.status === 'SUCCEEDED')
      return finished.output === undefined ? null : JSON.parse(finished.output);
    throw new StatesError(
      finished.error ?? 'States.Runtime',
      finished.cause ?? `Child execution ${finished.status}`,
    );
  }
}

function parseInput(input: unknown): unknown {
  let value = input ?? {};
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch (err) {
      throw new WorkflowApiError(
        'InvalidExecutionInput',
        `Invalid execution input: ${(err as Error).message}`,
      );
    }
  }
  try {
    checkPayload(value, 'execution input');
  } catch (err) {
    throw new WorkflowApiError('InvalidExecutionInput', (err as Error).message);
  }
  return value;
}

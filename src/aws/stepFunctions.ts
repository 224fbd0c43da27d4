/**
 * Step Functions for `lake executions/show/redrive --stage NAME`: the same calls the twin's
 * workflow runner answers, made against a deployed state machine, every list paged to the end.
 */
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import type { ExecutionStatus, SFNClient } from '@aws-sdk/client-sfn';
import { TerminalError } from '../core/errors.js';
import type {
  ExecutionDescription as ExecutionDetails,
  ExecutionListItem as ExecutionSummary,
  HistoryEvent as ExecutionHistoryEvent,
} from '../local/workflow/types.js';

/** No execution with that ARN (or name) exists on the stage's state machine. */
export class ExecutionNotFoundError extends TerminalError {
  override name = 'ExecutionNotFoundError';
}

/** Step Functions refused the redrive (not failed, too old, already redriven the maximum times, …). */
export class ExecutionNotRedrivableError extends TerminalError {
  override name = 'ExecutionNotRedrivableError';
}

/*
 * The shapes are the twin runner's, which are Step Functions' own API shapes (with the fields AWS
 * always sets made required): one definition, so the CLI's `ExecutionApi` fits both. Type-only,
 * so no twin code reaches a bundle.
 */
export type {
  ExecutionDescription as ExecutionDetails,
  ExecutionListItem as ExecutionSummary,
  HistoryEvent as ExecutionHistoryEvent,
} from '../local/workflow/types.js';
/** Filters of `listExecutions` (the twin's runner takes the same). */
export interface ListExecutionsOptions {
  statusFilter?: ExecutionStatus;
  /** Stop after this many executions in all (newest first, as Step Functions lists them). */
  maxResults?: number;
  /** List a Distributed Map Run's child executions instead of the state machine's. */
  mapRunArn?: string;
}

/**
 * The executions of one deployed state machine, with the same methods and shapes as the twin's
 * `WorkflowRunner`, so the CLI's `ExecutionApi` can be either.
 * @example const sfn = new StepFunctionsExecutions(new SFNClient({}), outputs.stateMachineArn); await sfn.listExecutions({ max: 20 });
 */
export class StepFunctionsExecutions {
  constructor(
    private readonly client: SFNClient,
    readonly stateMachineArn: string,
  ) {}

  /** Executions, newest first, following nextToken until `max` or the end. */
  async listExecutions(
    options: ListExecutionsOptions = {},
  ): Promise<{ executions: ExecutionSummary[] }> {
    const executions: ExecutionSummary[] = [];
    let token: string | undefined;
    do {
      const remaining =
        options.maxResults === undefined
          ? 1000
          : Math.min(1000, options.maxResults - executions.length);
      const page = await this.client.send(
        new ListExecutionsCommand({
          ...(options.mapRunArn
            ? { mapRunArn: options.mapRunArn }
            : { stateMachineArn: this.stateMachineArn }),
          maxResults: remaining,
          nextToken: token,
          ...(options.statusFilter ? { statusFilter: options.statusFilter } : {}),
        }),
      );
      for (const e of page.executions ?? []) {
        executions.push({
          executionArn: e.executionArn!,
          stateMachineArn: e.stateMachineArn ?? this.stateMachineArn,
          name: e.name!,
          status: e.status!,
          startDate: e.startDate!,
          ...(e.stopDate ? { stopDate: e.stopDate } : {}),
          redriveCount: e.redriveCount ?? 0,
          ...(e.redriveDate ? { redriveDate: e.redriveDate } : {}),
          ...(e.mapRunArn ? { mapRunArn: e.mapRunArn } : {}),
        });
      }
      token = page.nextToken;
    } while (token && (options.maxResults === undefined || executions.length < options.maxResults));
    return { executions };
  }

  /** One execution, with input, output and error. Accepts an ARN or a bare execution name. */
  async describeExecution(executionArnOrName: string): Promise<ExecutionDetails> {
    const executionArn = this.executionArn(executionArnOrName);
    const d = await this.call(executionArn, () =>
      this.client.send(new DescribeExecutionCommand({ executionArn })),
    );
    return {
      executionArn: d.executionArn ?? executionArn,
      stateMachineArn: d.stateMachineArn ?? this.stateMachineArn,
      name: d.name ?? executionArn.split(':').pop()!,
      status: d.status!,
      startDate: d.startDate!,
      ...(d.stopDate ? { stopDate: d.stopDate } : {}),
      input: d.input ?? '',
      inputDetails: { included: d.inputDetails?.included ?? true },
      ...(d.output !== undefined ? { output: d.output } : {}),
      ...(d.outputDetails ? { outputDetails: { included: d.outputDetails.included ?? true } } : {}),
      ...(d.error !== undefined ? { error: d.error } : {}),
      ...(d.cause !== undefined ? { cause: d.cause } : {}),
      redriveCount: d.redriveCount ?? 0,
      ...(d.redriveDate ? { redriveDate: d.redriveDate } : {}),
      redriveStatus: d.redriveStatus ?? 'NOT_REDRIVABLE',
      ...(d.redriveStatusReason ? { redriveStatusReason: d.redriveStatusReason } : {}),
      ...(d.mapRunArn ? { mapRunArn: d.mapRunArn } : {}),
    };
  }

  /** The whole event history, every page, with execution data included (oldest first unless `reverseOrder`). */
  async getExecutionHistory(
    executionArnOrName: string,
    options: { reverseOrder?: boolean } = {},
  ): Promise<{ events: ExecutionHistoryEvent[] }> {
    const executionArn = this.executionArn(executionArnOrName);
    const events: ExecutionHistoryEvent[] = [];
    let token: string | undefined;
    do {
      const page = await this.call(executionArn, () =>
        this.client.send(
          new GetExecutionHistoryCommand({
            executionArn,
            maxResults: 1000,
            nextToken: token,
            includeExecutionData: true,
            reverseOrder: options.reverseOrder ?? false,
          }),
        ),
      );
      events.push(
        ...(page.events ?? []).map((e) => ({
          ...e,
          id: e.id!,
          timestamp: e.timestamp!,
          type: e.type!,
        })),
      );
      token = page.nextToken;
    } while (token);
    return { events };
  }

  /** Redrive a failed execution from its failed state (Step Functions keeps the same execution). */
  async redriveExecution(executionArnOrName: string): Promise<{ redriveDate: Date }> {
    const executionArn = this.executionArn(executionArnOrName);
    const r = await this.call(executionArn, () =>
      this.client.send(new RedriveExecutionCommand({ executionArn })),
    );
    return { redriveDate: r.redriveDate! };
  }

  /** Start an execution of this state machine; an object input is sent as JSON (a replay passes a past execution's input). */
  async startExecution(
    request: { input?: unknown; name?: string } = {},
  ): Promise<{ executionArn: string; startDate: Date }> {
    const input =
      typeof request.input === 'string' ? request.input : JSON.stringify(request.input ?? {});
    const r = await this.client.send(
      new StartExecutionCommand({
        stateMachineArn: this.stateMachineArn,
        input,
        ...(request.name ? { name: request.name } : {}),
      }),
    );
    return { executionArn: r.executionArn!, startDate: r.startDate! };
  }

  /** Start a new execution with the input of a past one: safe, because ingest is idempotent per source version. */
  async replayExecution(
    executionArnOrName: string,
  ): Promise<{ executionArn: string; startDate: Date }> {
    const past = await this.describeExecution(executionArnOrName);
    return this.startExecution({ input: past.input });
  }

  /** An execution ARN from an ARN or a bare name of this state machine's execution. */
  executionArn(arnOrName: string): string {
    if (arnOrName.startsWith('arn:')) return arnOrName;
    const m = /^(arn:[^:]+:states:[^:]+:\d+):stateMachine:(.+)$/.exec(this.stateMachineArn);
    if (!m) throw new TerminalError(`not a state machine ARN: ${this.stateMachineArn}`);
    return `${m[1]}:execution:${m[2]}:${arnOrName}`;
  }

  private async call<T>(executionArn: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (err) {
      const name = (err as { name?: string }).name;
      if (name === 'ExecutionDoesNotExist')
        throw new ExecutionNotFoundError(
          `no execution ${executionArn}`,
          { executionArn },
          { cause: err },
        );
      if (name === 'ExecutionNotRedrivable') {
        throw new ExecutionNotRedrivableError(
          `cannot redrive ${executionArn}: ${(err as Error).message}`,
          { executionArn },
          { cause: err },
        );
      }
      throw err;
    }
  }
}

import type { HistoryEvent as SdkHistoryEvent, HistoryEventType } from '@aws-sdk/client-sfn';
import type { Clock } from './clock.js';
import type { ExecutionStore } from './store/ExecutionStore.js';

/** A retrier of a Task, Map or Parallel state. */
export interface AslRetrier {
  ErrorEquals: string[];
  IntervalSeconds?: number;
  MaxAttempts?: number;
  BackoffRate?: number;
  MaxDelaySeconds?: number;
  JitterStrategy?: 'FULL' | 'NONE';
}

/** A catcher of a Task, Map or Parallel state. */
export interface AslCatcher {
  ErrorEquals: string[];
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

/** A Choice rule in JSONata: a Condition plus an optional Output/Assign. */
export interface AslChoiceRule {
  Condition?: unknown;
  Next: string;
  Output?: unknown;
  Assign?: Record<string, unknown>;
}

/** A States block: StartAt plus States, as in a machine, a branch or an ItemProcessor. */
export interface AslStates {
  StartAt: string;
  States: Record<string, AslState>;
  QueryLanguage?: string;
  ProcessorConfig?: { Mode?: 'INLINE' | 'DISTRIBUTED'; ExecutionType?: 'STANDARD' | 'EXPRESS' };
}

/** Every field a JSONata state may carry; each state type reads its own. */
export interface AslState {
  Type: 'Task' | 'Pass' | 'Choice' | 'Wait' | 'Succeed' | 'Fail' | 'Parallel' | 'Map';
  Comment?: string;
  QueryLanguage?: string;
  Next?: string;
  End?: boolean;
  Output?: unknown;
  Assign?: Record<string, unknown>;
  Arguments?: unknown;
  Resource?: string;
  TimeoutSeconds?: unknown;
  HeartbeatSeconds?: unknown;
  Retry?: AslRetrier[];
  Catch?: AslCatcher[];
  Choices?: AslChoiceRule[];
  Default?: string;
  Seconds?: unknown;
  Timestamp?: unknown;
  Error?: unknown;
  Cause?: unknown;
  Branches?: AslStates[];
  Items?: unknown;
  ItemSelector?: unknown;
  ItemProcessor?: AslStates;
  Iterator?: AslStates;
  MaxConcurrency?: unknown;
  ToleratedFailureCount?: unknown;
  ToleratedFailurePercentage?: unknown;
  ItemReader?: {
    Resource: string;
    Arguments?: unknown;
    ReaderConfig?: {
      InputType?: string;
      CSVHeaderLocation?: string;
      CSVHeaders?: string[];
      CSVDelimiter?: string;
      MaxItems?: unknown;
    };
  };
  ItemBatcher?: {
    MaxItemsPerBatch?: unknown;
    MaxInputBytesPerBatch?: unknown;
    BatchInput?: unknown;
  };
  ResultWriter?: unknown;
  Label?: string;
}

/** A whole state machine definition (JSON, already placeholder-substituted). */
export interface AslDefinition extends AslStates {
  Comment?: string;
  TimeoutSeconds?: number;
  Version?: string;
}

/** The Lambda-like context a local handler receives. */
export interface LambdaContext {
  awsRequestId: string;
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  logGroupName: string;
  logStreamName: string;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
}

/** A local Lambda handler: `async (event, context) => result`, like a Node Lambda. */
export type LambdaHandler = (event: unknown, context: LambdaContext) => Promise<unknown> | unknown;

/** What a pluggable Task integration receives for one attempt. */
export interface TaskIntegrationRequest {
  resource: string;
  arguments: unknown;
  timeoutMs?: number;
  signal: AbortSignal;
}

/** A non-Lambda Task resource (e.g. `arn:aws:states:::s3:putObject`): returns the task result. */
export type TaskIntegration = (request: TaskIntegrationRequest) => Promise<unknown>;

/** Reads an S3 object's text for Map ItemReader. */
export type ObjectReader = (bucket: string, key: string) => Promise<string>;

/** One history event, shaped like GetExecutionHistory's (ids and timestamps always set). */
export type HistoryEvent = SdkHistoryEvent & {
  id: number;
  timestamp: Date;
  type: HistoryEventType;
};

/** A history event as seen by a subscriber: it names its execution. */
export type ExecutionEvent = HistoryEvent & { executionArn: string };

/** Execution status, as in DescribeExecution. */
export type ExecutionStatus =
  'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED' | 'PENDING_REDRIVE';

/** DescribeExecution's answer. */
export interface ExecutionDescription {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  input: string;
  inputDetails: { included: boolean };
  output?: string;
  outputDetails?: { included: boolean };
  error?: string;
  cause?: string;
  redriveCount: number;
  redriveDate?: Date;
  redriveStatus: 'REDRIVABLE' | 'NOT_REDRIVABLE' | 'REDRIVABLE_BY_MAP_RUN';
  redriveStatusReason?: string;
  mapRunArn?: string;
}

/** One row of ListExecutions. */
export interface ExecutionListItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  redriveCount: number;
  redriveDate?: Date;
  mapRunArn?: string;
}

/** Options of a WorkflowRunner. */
export interface WorkflowRunnerOptions {
  /** The parsed ASL definition. */
  definition: AslDefinition;
  /** @default arn:aws:states:local:000000000000:stateMachine:<name> */
  stateMachineArn?: string;
  /** @default 'StateMachine' */
  name?: string;
  /** Local Lambda handlers keyed by function name or ARN. */
  lambdas?: Record<string, LambdaHandler>;
  /** Other Task resources keyed by their Resource ARN. */
  integrations?: Record<string, TaskIntegration>;
  /** @default new MemoryExecutionStore() */
  store?: ExecutionStore;
  /** @default new SystemClock() */
  clock?: Clock;
  /** Reads objects for Map ItemReader. */
  objectReader?: ObjectReader;
  /** Upper bound on concurrent Map iterations / child executions. @default 40 */
  maxConcurrency?: number;
  /** The role ARN shown in the context and history. */
  roleArn?: string;
  /** Skip the asl-validator pass (forbidden-field checks still run). @default false */
  skipValidation?: boolean;
}

import {
  FakeClock,
  WorkflowRunner,
  type AslDefinition,
  type AslState,
  type HistoryEvent,
  type WorkflowRunnerOptions,
} from '../../src/local/workflow/index.js';

/** A JSONata machine from its states; StartAt defaults to the first state. */
export function machine(states: Record<string, AslState>, startAt?: string): AslDefinition {
  return { QueryLanguage: 'JSONata', StartAt: startAt ?? Object.keys(states)[0]!, States: states };
}

/**
 * A runner on a fake clock. The asl-validator schema pass costs ~0.4 s per definition, so topic
 * tests skip it (fields.test.ts runs it); the JSONata field checks always run.
 */
export function runnerFor(
  definition: AslDefinition,
  options: Partial<WorkflowRunnerOptions> = {},
): WorkflowRunner {
  return new WorkflowRunner({
    definition,
    clock: new FakeClock(),
    skipValidation: true,
    ...options,
  });
}

/** Result of one run: its description, parsed output and history. */
export interface RunResult {
  runner: WorkflowRunner;
  executionArn: string;
  status: string;
  output: unknown;
  error?: string;
  cause?: string;
  events: HistoryEvent[];
  types: string[];
}

/** Runs a machine to its end on a fake clock. */
export async function run(
  definition: AslDefinition,
  input: unknown = {},
  options: Partial<WorkflowRunnerOptions> = {},
): Promise<RunResult> {
  const runner = runnerFor(definition, options);
  const { executionArn } = await runner.startExecution({ input });
  return finish(runner, executionArn);
}

/** Waits for an execution and gathers its result. */
export async function finish(runner: WorkflowRunner, executionArn: string): Promise<RunResult> {
  const d = await runner.waitForExecution(executionArn);
  const { events } = await runner.getExecutionHistory(executionArn);
  return {
    runner,
    executionArn,
    status: d.status,
    output: d.output === undefined ? undefined : JSON.parse(d.output),
    error: d.error,
    cause: d.cause,
    events,
    types: events.map((e) => e.type),
  };
}

/** An Error subclass whose `name` is its class name, like the project's error families. */
export class NamedError extends Error {
  constructor(name: string, message = name) {
    super(message);
    this.name = name;
  }
}

/** A Task state calling a plain Lambda ARN. */
export function lambdaTask(fn: string, extra: Partial<AslState> = {}): AslState {
  return {
    Type: 'Task',
    Resource: `arn:aws:lambda:us-east-1:123456789012:function:${fn}`,
    End: true,
    ...extra,
  } as AslState;
}

import {
  DescribeExecutionCommand,
  ExecutionDoesNotExist,
  ExecutionNotRedrivable,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  RedriveExecutionCommand,
  SFNClient,
  StartExecutionCommand,
} from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ExecutionNotFoundError,
  ExecutionNotRedrivableError,
  StepFunctionsExecutions,
} from '../../src/aws/stepFunctions.js';
import type { ExecutionApi } from '../../src/cli/twinHandle.js';

const sfn = mockClient(SFNClient);
const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:lake-dev-ingest';
const EX = (name: string) =>
  `arn:aws:states:eu-west-1:123456789012:execution:lake-dev-ingest:${name}`;
const api = () => new StepFunctionsExecutions(new SFNClient({ region: 'eu-west-1' }), SM);
const summary = (name: string) => ({
  executionArn: EX(name),
  stateMachineArn: SM,
  name,
  status: 'SUCCEEDED' as const,
  startDate: new Date(0),
});

beforeEach(() => sfn.reset());

describe('StepFunctionsExecutions', () => {
  it('lists executions across pages, with the status filter, up to max', async () => {
    sfn
      .on(ListExecutionsCommand)
      .resolvesOnce({ executions: [summary('a'), summary('b')], nextToken: 't2' })
      .resolvesOnce({ executions: [summary('c')], nextToken: 't3' })
      .resolves({ executions: [summary('never')] });
    const { executions } = await api().listExecutions({ statusFilter: 'FAILED', maxResults: 3 });
    expect(executions.map((e) => e.name)).toEqual(['a', 'b', 'c']);
    expect(executions[0]).toMatchObject({ executionArn: EX('a'), redriveCount: 0 });
    expect(sfn.commandCalls(ListExecutionsCommand).map((c) => c.args[0].input)).toEqual([
      { stateMachineArn: SM, maxResults: 3, nextToken: undefined, statusFilter: 'FAILED' },
      { stateMachineArn: SM, maxResults: 1, nextToken: 't2', statusFilter: 'FAILED' },
    ]);
  });

  it('describes by name or ARN', async () => {
    sfn.on(DescribeExecutionCommand).resolves({
      ...summary('run-1'),
      status: 'FAILED',
      input: '{"a":1}',
      error: 'UnknownDatasetError',
      cause: 'no contract',
      redriveStatus: 'REDRIVABLE',
    });
    const d = await api().describeExecution('run-1');
    expect(sfn.commandCalls(DescribeExecutionCommand)[0]!.args[0].input).toEqual({
      executionArn: EX('run-1'),
    });
    expect(d).toMatchObject({
      name: 'run-1',
      status: 'FAILED',
      input: '{"a":1}',
      error: 'UnknownDatasetError',
      redriveStatus: 'REDRIVABLE',
    });
  });

  it('reads the whole history with execution data', async () => {
    sfn
      .on(GetExecutionHistoryCommand)
      .resolvesOnce({
        events: [{ id: 1, timestamp: new Date(0), type: 'ExecutionStarted' }],
        nextToken: 'h2',
      })
      .resolvesOnce({ events: [{ id: 2, timestamp: new Date(1), type: 'ExecutionSucceeded' }] });
    const { events } = await api().getExecutionHistory(EX('r'));
    expect(events.map((e) => e.type)).toEqual(['ExecutionStarted', 'ExecutionSucceeded']);
    expect(sfn.commandCalls(GetExecutionHistoryCommand)[1]!.args[0].input).toEqual({
      executionArn: EX('r'),
      maxResults: 1000,
      nextToken: 'h2',
      includeExecutionData: true,
      reverseOrder: false,
    });
  });

  it('redrives, and names the refusals', async () => {
    sfn
      .on(RedriveExecutionCommand, { executionArn: EX('ok') })
      .resolves({ redriveDate: new Date(5) });
    sfn
      .on(RedriveExecutionCommand, { executionArn: EX('done') })
      .rejects(new ExecutionNotRedrivable({ message: 'Execution is SUCCEEDED', $metadata: {} }));
    sfn
      .on(RedriveExecutionCommand, { executionArn: EX('gone') })
      .rejects(new ExecutionDoesNotExist({ message: 'nope', $metadata: {} }));
    expect(await api().redriveExecution('ok')).toEqual({ redriveDate: new Date(5) });
    await expect(api().redriveExecution('done')).rejects.toBeInstanceOf(
      ExecutionNotRedrivableError,
    );
    await expect(api().redriveExecution('gone')).rejects.toBeInstanceOf(ExecutionNotFoundError);
  });

  it("replays with the past execution's input as a new execution", async () => {
    sfn
      .on(DescribeExecutionCommand)
      .resolves({ ...summary('old'), input: '{"detail":{"object":{"key":"users.csv"}}}' });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EX('new'), startDate: new Date(9) });
    const r = await api().replayExecution('old');
    expect(r.executionArn).toBe(EX('new'));
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: SM,
      input: '{"detail":{"object":{"key":"users.csv"}}}',
    });
  });

  it("lists a Map Run's children by mapRunArn, and starts with an object input as JSON", async () => {
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    sfn.on(StartExecutionCommand).resolves({ executionArn: EX('n'), startDate: new Date(1) });
    await api().listExecutions({
      mapRunArn: 'arn:aws:states:eu-west-1:123456789012:mapRun:lake-dev-ingest/m:1',
    });
    expect(sfn.commandCalls(ListExecutionsCommand)[0]!.args[0].input).toEqual({
      mapRunArn: 'arn:aws:states:eu-west-1:123456789012:mapRun:lake-dev-ingest/m:1',
      maxResults: 1000,
      nextToken: undefined,
    });
    await api().startExecution({ input: { a: 1 }, name: 'n' });
    expect(sfn.commandCalls(StartExecutionCommand)[0]!.args[0].input).toEqual({
      stateMachineArn: SM,
      input: '{"a":1}',
      name: 'n',
    });
  });

  it("can stand in for the twin's runner behind the CLI's ExecutionApi", () => {
    const asApi: ExecutionApi = api();
    expect(typeof asApi.redriveExecution).toBe('function');
  });

  it('passes unknown errors through', async () => {
    sfn
      .on(DescribeExecutionCommand)
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    await expect(api().describeExecution('x')).rejects.toThrow('denied');
  });
});

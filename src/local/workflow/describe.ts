import type { ExecutionRecord } from './store/ExecutionStore.js';
import type { ExecutionDescription, ExecutionListItem } from './types.js';

const REDRIVABLE = new Set(['FAILED', 'TIMED_OUT', 'ABORTED']);

/** DescribeExecution's shape for a stored record. */
export function describeRecord(record: ExecutionRecord): ExecutionDescription {
  const redrivable = REDRIVABLE.has(record.status) && !record.parentExecutionArn;
  const description: ExecutionDescription = {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    input: record.input,
    inputDetails: { included: true },
    redriveCount: record.redriveCount,
    redriveStatus: redrivable
      ? 'REDRIVABLE'
      : record.parentExecutionArn && REDRIVABLE.has(record.status)
        ? 'REDRIVABLE_BY_MAP_RUN'
        : 'NOT_REDRIVABLE',
  };
  if (record.stopDate) description.stopDate = new Date(record.stopDate);
  if (record.output !== undefined) {
    description.output = record.output;
    description.outputDetails = { included: true };
  }
  if (record.error !== undefined) description.error = record.error;
  if (record.cause !== undefined) description.cause = record.cause;
  if (record.redriveDate) description.redriveDate = new Date(record.redriveDate);
  if (!redrivable)
    description.redriveStatusReason =
      record.status === 'SUCCEEDED'
        ? 'Execution is SUCCEEDED and cannot be redriven'
        : record.status === 'RUNNING'
          ? 'Execution is RUNNING and cannot be redriven'
          : 'Child executions are redriven through their parent';
  if (record.mapRunArn) description.mapRunArn = record.mapRunArn;
  return description;
}

/** ListExecutions' row for a stored record. */
export function listItem(record: ExecutionRecord): ExecutionListItem {
  const item: ExecutionListItem = {
    executionArn: record.executionArn,
    stateMachineArn: record.stateMachineArn,
    name: record.name,
    status: record.status,
    startDate: new Date(record.startDate),
    redriveCount: record.redriveCount,
  };
  if (record.stopDate) item.stopDate = new Date(record.stopDate);
  if (record.redriveDate) item.redriveDate = new Date(record.redriveDate);
  if (record.mapRunArn) item.mapRunArn = record.mapRunArn;
  return item;
}

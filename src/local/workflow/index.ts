export { WorkflowRunner, WorkflowApiError } from './WorkflowRunner.js';
export { FakeClock, SystemClock, type Clock } from './clock.js';
export { MemoryExecutionStore } from './store/MemoryExecutionStore.js';
export { FileExecutionStore } from './store/FileExecutionStore.js';
export type { ExecutionStore, ExecutionRecord, ScopeProgress } from './store/ExecutionStore.js';
export { StatesError, StatesErrors, DefinitionError } from './errors.js';
export { validateDefinition } from './validate.js';
export { PAYLOAD_LIMIT_BYTES } from './limits.js';
export type {
  AslDefinition,
  AslState,
  ExecutionDescription,
  ExecutionEvent,
  ExecutionListItem,
  ExecutionStatus,
  HistoryEvent,
  LambdaContext,
  LambdaHandler,
  ObjectReader,
  TaskIntegration,
  TaskIntegrationRequest,
  WorkflowRunnerOptions,
} from './types.js';

/** What the console serves from: the twin's runner, catalog, object store and query path. */
import type { S3ObjectStore } from '../../src/aws/s3.js';
import type { Contract } from '../../src/core/contract/types.js';
import type { LocalCatalog } from '../../src/local/catalog/index.js';
import type { TwinConfig } from '../../src/local/twinConfig.js';
import type { ExecutionEvent, WorkflowRunner } from '../../src/local/workflow/index.js';

/** A query's answer: column names and types, JSON-safe rows. */
export interface QueryAnswer {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

/** The runner calls the console makes (all of them Step Functions API shapes). */
export type ConsoleRunner = Pick<
  WorkflowRunner,
  | 'startExecution'
  | 'describeExecution'
  | 'listExecutions'
  | 'getExecutionHistory'
  | 'redriveExecution'
  | 'stateMachineArn'
> & { subscribe(listener: (event: ExecutionEvent) => void): () => void };

/** Everything the console needs from a running twin. */
export interface ConsoleBackend {
  config: TwinConfig;
  runner: ConsoleRunner;
  catalog: LocalCatalog;
  store: S3ObjectStore;
  /** The ASL the runner executes (placeholders may remain: the graph needs only the states). */
  definition: unknown;
  /** The dataset contracts (file patterns name a failed file's dataset). */
  contracts: Contract[];
  /** Athena SQL over the registered partitions; throws with `message` (and `hint`) as the CLI prints. */
  query(sql: string): Promise<QueryAnswer>;
}

/**
 * How a `lake` command reaches the twin: through the control API of a running `lake dev`, or,
 * when none runs, by starting one in this process for the command's duration.
 */
import { readFile, rm, writeFile } from 'node:fs/promises';
import { loadContracts } from '../core/contract/index.js';
import type { Contract } from '../core/contract/types.js';
import { createS3Client, S3ObjectStore } from '../aws/s3.js';
import { startTwin, type Twin } from '../local/twin.js';
import { twinPaths, type TwinConfig } from '../local/twinConfig.js';
import type { WorkflowRunner } from '../local/workflow/index.js';
import { CliError, EXIT } from './errors.js';

/** The Step Functions calls the CLI makes, served by a local runner or a control API. */
export type ExecutionApi = Pick<
  WorkflowRunner,
  'startExecution' | 'describeExecution' | 'listExecutions' | 'getExecutionHistory' | 'redriveExecution'
>;

/** A twin a command can use. */
export interface TwinHandle {
  mode: 'running' | 'in-process';
  endpoint: string;
  store: S3ObjectStore;
  contracts: Contract[];
  executions: ExecutionApi;
  close(): Promise<void>;
}

/** What `lake dev` writes to `.lake/twin.json` while it runs. */
export interface TwinRecord {
  pid: number;
  s3Endpoint: string;
  controlUrl: string;
  startedAt: string;
}

/** Record a running `lake dev`, so other commands find it. */
export async function writeTwinRecord(config: TwinConfig, record: TwinRecord): Promise<void> {
  await writeFile(twinPaths(config).pidFile, JSON.stringify(record, null, 2));
}

/** Forget the running `lake dev` (on exit). */
export async function removeTwinRecord(config: TwinConfig): Promise<void> {
  await rm(twinPaths(config).pidFile, { force: true });
}

/** The running `lake dev` of this state folder, if one answers. */
export async function findRunningTwin(config: TwinConfig): Promise<TwinRecord | undefined> {
  let record: TwinRecord;
  try {
    record = JSON.parse(await readFile(twinPaths(config).pidFile, 'utf8')) as TwinRecord;
  } catch {
    return undefined;
  }
  try {
    const res = await fetch(`${record.controlUrl}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok ? record : undefined;
  } catch {
    return undefined;
  }
}

function remoteExecutions(controlUrl: string): ExecutionApi {
  const call = async (method: string, path: string, payload?: unknown) => {
    const res = await fetch(`${controlUrl}${path}`, {
      method,
      ...(payload === undefined ? {} : { body: JSON.stringify(payload), headers: { 'content-type': 'application/json' } }),
    });
    const value = (await res.json()) as { name?: string; message?: string };
    if (!res.ok) throw new CliError(`${value.name ?? 'Error'}: ${value.message ?? res.statusText}`);
    return value as never;
  };
  const q = (arn: string) => `?arn=${encodeURIComponent(arn)}`;
  return {
    startExecution: (req) => call('POST', '/executions', req),
    describeExecution: (arn) => call('GET', `/execution${q(arn)}`),
    listExecutions: () => call('GET', '/executions'),
    getExecutionHistory: (arn) => call('GET', `/history${q(arn)}`),
    redriveExecution: (arn) => call('POST', '/redrive', { executionArn: arn }),
  };
}

/**
 * Open the twin for one command. `listen` starts executions for uploads when the twin runs in
 * this process (a running `lake dev` always listens).
 */
export async function openTwin(config: TwinConfig, options: { listen?: boolean } = {}): Promise<TwinHandle> {
  const contracts = await loadContracts(config.schemasDir);
  const running = await findRunningTwin(config);
  if (running) {
    return {
      mode: 'running',
      endpoint: running.s3Endpoint,
      store: new S3ObjectStore(createS3Client({ endpoint: running.s3Endpoint })),
      contracts,
      executions: remoteExecutions(running.controlUrl),
      close: async () => {},
    };
  }
  let twin: Twin;
  try {
    twin = await startTwin(config, { listen: options.listen ?? false });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new CliError(`port ${config.port} is in use by another program`, EXIT.unavailable, 'pass --port N (or set LAKE_PORT) to use another port');
    }
    throw err;
  }
  const close = async () => {
    await twin.close();
  };
  return { mode: 'in-process', endpoint: twin.s3.endpoint, store: twin.store, contracts, executions: twin.runner, close };
}

/**
 * How a `lake` command reaches the twin: through the control API of a running `lake dev`, or,
 * when none runs, by starting one in this process for the command's duration.
 */
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { loadContracts } from '../core/contract/index.js';
import type { Contract } from '../core/contract/types.js';
import { createS3Client, S3ObjectStore } from '../aws/s3.js';
import { isLoopbackHost, tokenHeaders } from '../local/http/loopbackGuard.js';
import { acquireStateLock, StateFolderBusyError, type StateLock } from '../local/stateLock.js';
import { startTwin, type Twin } from '../local/twin.js';
import { twinPaths, type TwinConfig } from '../local/twinConfig.js';
import type { WorkflowRunner } from '../local/workflow/index.js';
import { CliError, EXIT } from './errors.js';

/** The Step Functions calls the CLI makes, served by a local runner or a control API. */
export type ExecutionApi = Pick<
  WorkflowRunner,
  | 'startExecution'
  | 'describeExecution'
  | 'listExecutions'
  | 'getExecutionHistory'
  | 'redriveExecution'
> & {
  /**
   * The twin only (Step Functions has no such call): resolves when the execution has left
   * RUNNING, or earlier (a long poll's time limit), with its description.
   */
  waitForExecution?: WorkflowRunner['waitForExecution'];
};

/** A twin (or a deployed stage) a command can use. */
export interface TwinHandle {
  mode: 'running' | 'in-process' | 'aws';
  /** The S3 endpoint; AWS's own for a stage. */
  endpoint: string;
  buckets: TwinConfig['buckets'];
  /** Athena in a stage; undefined for the twin (whose queries need no running twin: see `runQuery`). */
  query?: (
    sql: string,
  ) => Promise<{ columns: { name: string; type: string }[]; rows: unknown[][] }>;
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
  /** The control API's per-start secret: whoever can read this file may drive the twin. */
  token: string;
  /** The console's page with the same token (`/?token=…`), when `lake dev` serves one. */
  consoleUrl?: string;
  startedAt: string;
}

/**
 * Record a running `lake dev`, so other commands find it. Owner-only (0600): the file holds the
 * control token. Written aside and renamed over, so a file left with looser modes (by an older
 * version, or by hand) is replaced rather than reused, and readers never see half a record.
 */
export async function writeTwinRecord(config: TwinConfig, record: TwinRecord): Promise<void> {
  const path = twinPaths(config).pidFile;
  await mkdir(config.dir, { recursive: true });
  const aside = `${path}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    await writeFile(aside, JSON.stringify(record, null, 2), { mode: 0o600, flag: 'wx' });
    await chmod(aside, 0o600); // the umask cannot loosen it, but a stricter one could block us
    await rename(aside, path);
  } finally {
    await rm(aside, { force: true });
  }
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
  // The token goes only to a loopback control API (the file could have been edited).
  if (typeof record.token !== 'string' || !isLoopbackUrl(record.controlUrl)) return undefined;
  try {
    const res = await fetch(`${record.controlUrl}/health`, {
      headers: tokenHeaders(record.token),
      signal: AbortSignal.timeout(1000),
    });
    return res.ok ? record : undefined;
  } catch {
    return undefined;
  }
}

function isLoopbackUrl(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && isLoopbackHost(u.host, Number(u.port));
  } catch {
    return false;
  }
}

/** How long the control API holds a wait before answering with the execution still running. */
const LONG_POLL_MS = 20_000;

function remoteExecutions(record: TwinRecord): ExecutionApi {
  const call = async (method: string, path: string, payload?: unknown) => {
    const res = await fetch(`${record.controlUrl}${path}`, {
      method,
      headers: {
        ...tokenHeaders(record.token),
        ...(payload === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(payload === undefined ? {} : { body: JSON.stringify(payload) }),
    });
    const value = (await res.json()) as { name?: string; message?: string };
    if (!res.ok) throw new CliError(`${value.name ?? 'Error'}: ${value.message ?? res.statusText}`);
    return value as never;
  };
  const q = (arn: string) => `?arn=${encodeURIComponent(arn)}`;
  return {
    startExecution: (req) => call('POST', '/executions', req),
    describeExecution: (arn) => call('GET', `/execution${q(arn)}`),
    waitForExecution: (arn) => call('GET', `/execution${q(arn)}&wait=${LONG_POLL_MS}`),
    listExecutions: () => call('GET', '/executions'),
    getExecutionHistory: (arn) => call('GET', `/history${q(arn)}`),
    redriveExecution: (arn) => call('POST', '/redrive', { executionArn: arn }),
  };
}

/**
 * Open the twin for one command. `listen` starts executions for uploads when the twin runs in
 * this process (a running `lake dev` always listens).
 */
export async function openTwin(
  config: TwinConfig,
  options: { listen?: boolean } = {},
): Promise<TwinHandle> {
  const contracts = await loadContracts(config.schemasDir);
  if (config.stage) return openAwsStage(config.stage, contracts);
  const running = await findRunningTwin(config);
  if (running) {
    return {
      mode: 'running',
      endpoint: running.s3Endpoint,
      buckets: config.buckets,
      store: new S3ObjectStore(createS3Client({ endpoint: running.s3Endpoint })),
      contracts,
      executions: remoteExecutions(running),
      close: async () => {},
    };
  }
  const lock = await lockStateFolder(config, 'a lake command');
  if (!lock) return openTwin(config, options); // a lake dev came up meanwhile: use it
  let twin: Twin;
  try {
    // A one-shot command does its own work only: stored uploads without an execution wait for
    // `lake dev` or `lake reconcile` (started here, they would be aborted when the command ends).
    twin = await startTwin(config, { listen: options.listen ?? false, reconcile: false });
  } catch (err) {
    await lock.release();
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'EADDRINUSE') {
      throw new CliError(
        `port ${config.port} is in use by another program`,
        EXIT.unavailable,
        'pass --port N (or set LAKE_PORT) to use another port',
      );
    }
    throw err;
  }
  const close = async () => {
    try {
      await twin.close();
    } finally {
      await lock.release();
    }
  };
  return {
    mode: 'in-process',
    endpoint: twin.s3.endpoint,
    buckets: config.buckets,
    store: twin.store,
    contracts,
    executions: twin.runner,
    close,
  };
}

/**
 * Take the state folder's lock before starting a twin there (one twin per folder, or two
 * processes write one catalog). When the holder is a `lake dev` that is still starting, wait a
 * little for its control API and return undefined, so the caller uses it instead. Otherwise a
 * busy folder is a CliError with exit code 3 saying what to do.
 */
export async function lockStateFolder(
  config: TwinConfig,
  command: string,
): Promise<StateLock | undefined> {
  const deadline = Date.now() + 5000;
  for (;;) {
    try {
      return await acquireStateLock(config.dir, command);
    } catch (err) {
      if (!(err instanceof StateFolderBusyError)) throw err;
      if (err.owner.command === 'lake dev' && command !== 'lake dev') {
        if (await findRunningTwin(config)) return undefined;
        if (Date.now() < deadline) {
          await new Promise((r) => setTimeout(r, 200));
          continue;
        }
      }
      throw new CliError(
        `${err.message}; two twins on one state folder would both write its catalog`,
        EXIT.unavailable,
        err.owner.command === 'lake dev'
          ? `that lake dev does not answer on its control API: stop it (kill ${err.owner.pid}), or use another --dir`
          : `wait for it to finish, or use another --dir (a lock left by a process that is gone is taken over by itself)`,
      );
    }
  }
}

/** A deployed stage: its buckets, Step Functions executions and Athena, found from SST's outputs. */
async function openAwsStage(stage: string, contracts: Contract[]): Promise<TwinHandle> {
  const { openStage } = await import('../aws/openStage.js');
  let handle: Awaited<ReturnType<typeof openStage>>;
  try {
    handle = await openStage(stage);
  } catch (err) {
    const e = err as Error;
    const hint =
      e.name === 'AwsCredentialsError'
        ? 'set AWS credentials and a region (AWS_PROFILE / AWS_REGION), as for sst deploy'
        : 'deploy it first: npx sst deploy --stage ' + stage;
    throw new CliError(`${e.name}: ${e.message}`, EXIT.unavailable, hint);
  }
  const { outputs } = handle;
  return {
    mode: 'aws',
    endpoint: `https://s3.amazonaws.com`,
    buckets: {
      ingest: outputs.ingestBucket,
      raw: outputs.rawBucket,
      curated: outputs.curatedBucket,
      quarantine: outputs.quarantineBucket,
    },
    store: new S3ObjectStore(createS3Client()),
    contracts,
    executions: handle.executions,
    query: async (sql) => {
      const result = await handle.query(sql);
      return {
        columns: result.columns.map((c) => ({ name: c.name, type: c.type })),
        rows: result.rows.map((r) => result.columns.map((c) => r[c.name] ?? null)),
      };
    },
    close: async () => {},
  };
}

/**
 * Open the twin (or stage) for one command, run `fn`, and close it whatever happens.
 * @example return withTwin(config, {}, async (twin) => … );
 */
export async function withTwin<T>(
  config: TwinConfig,
  options: { listen?: boolean },
  fn: (twin: TwinHandle) => Promise<T>,
): Promise<T> {
  const twin = await openTwin(config, options);
  try {
    return await fn(twin);
  } finally {
    await twin.close();
  }
}

/**
 * The local twin: an S3-protocol endpoint, the workflow runner with the very handlers of
 * `functions/`, the Glue-shaped catalog and DuckDB, wired as AWS wires the real ones. Uploads to
 * the ingest bucket start executions exactly as EventBridge starts them in AWS.
 */
import { mkdir } from 'node:fs/promises';
import { loadIngestTemplate, renderDefinition } from '../../workflows/render.js';
import { createS3Client, S3ObjectStore } from '../aws/s3.js';
import { LocalCatalog } from './catalog/index.js';
import {
  executionNameFor,
  storedObjectEvents,
  subscribeObjectCreated,
  type ObjectCreatedRule,
  type S3ObjectCreatedEvent,
} from './events/index.js';
import { passedBefore, rememberPassed } from './passedDefinitions.js';
import { startS3Endpoint, type S3Endpoint } from './s3/index.js';
import { FileExecutionStore, WorkflowRunner, type AslDefinition } from './workflow/index.js';
import { twinPaths, type TwinConfig } from './twinConfig.js';

type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/**
 * The handlers of `functions/`, keyed by the ASL placeholder they fill. Imported on demand, after
 * the environment is set: Powertools reads its settings when the handler module loads.
 */
export const TWIN_FUNCTIONS: Record<
  string,
  { name: string; load: () => Promise<{ handler: unknown }> }
> = {
  CopyToRawFunctionArn: {
    name: 'lake-copy-to-raw',
    load: () => import('../../functions/copy-to-raw.js'),
  },
  ValidateFunctionArn: { name: 'lake-validate', load: () => import('../../functions/validate.js') },
  TransformFunctionArn: {
    name: 'lake-transform',
    load: () => import('../../functions/transform.js'),
  },
  CommitFunctionArn: { name: 'lake-commit', load: () => import('../../functions/commit.js') },
  QuarantineFunctionArn: {
    name: 'lake-quarantine',
    load: () => import('../../functions/quarantine.js'),
  },
};

const ACCOUNT = '000000000000';
const REGION = 'us-east-1';
const functionArn = (name: string) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:${name}`;

/** A running twin. */
export interface Twin {
  config: TwinConfig;
  s3: S3Endpoint;
  store: S3ObjectStore;
  catalog: LocalCatalog;
  runner: WorkflowRunner;
  /** Executions that were running when a previous twin stopped, now ABORTED and redrivable. */
  orphans: string[];
  /** Executions the start's reconcile began: uploads stored earlier that had none (see `reconcile`). */
  reconciled: string[];
  /**
   * Give every object in the ingest bucket that has no execution for its version one, with the
   * event its write gave (same time and sequencer). Idempotent. Returns the ARNs it started.
   */
  reconcile(): Promise<string[]>;
  /**
   * Stop: no new executions; running ones end ABORTED at once (redrivable, here or after a
   * restart) instead of failing against a closed endpoint; the endpoint closes; the process
   * environment gets back the values the twin replaced. Returns the ARNs of the stopped executions.
   */
  close(): Promise<string[]>;
}

/** Options of `startTwin`. */
export interface StartTwinOptions {
  /** Start an execution for each object created in the ingest bucket (default true). */
  listen?: boolean;
  /** Reconcile the ingest bucket at start (default: when listening). */
  reconcile?: boolean;
  /** Handler logs (Powertools) on stdout; off by default, the CLI shows progress instead. */
  verboseLogs?: boolean;
}

/** The Lambda environment the handlers read, pointed at the twin. */
export function twinEnvironment(
  config: TwinConfig,
  endpoint: string,
  verboseLogs = false,
): Record<string, string> {
  return {
    RAW_BUCKET: config.buckets.raw,
    CURATED_BUCKET: config.buckets.curated,
    QUARANTINE_BUCKET: config.buckets.quarantine,
    CATALOG_DATABASE: config.database,
    CONTRACTS_DIR: config.schemasDir,
    S3_ENDPOINT: endpoint,
    LOCAL_CATALOG_DIR: twinPaths(config).catalog,
    AWS_REGION: REGION,
    POWERTOOLS_LOG_LEVEL: verboseLogs ? 'INFO' : 'SILENT',
    POWERTOOLS_METRICS_DISABLED: verboseLogs ? 'false' : 'true',
  };
}

/**
 * Start the twin on loopback.
 * @example const twin = await startTwin(twinConfig()); … await twin.close();
 */
export async function startTwin(config: TwinConfig, options: StartTwinOptions = {}): Promise<Twin> {
  const paths = twinPaths(config);
  await mkdir(config.dir, { recursive: true });
  const s3 = await startS3Endpoint({
    dir: paths.s3,
    port: config.port,
    buckets: Object.values(config.buckets),
    // Until the listener below is subscribed, an upload could be answered with nobody to start it.
    shutBuckets: options.listen !== false ? [config.buckets.ingest] : [],
  });
  // The handlers run in this process, so this process's environment is their Lambda environment.
  // Keep what it replaces: a second twin in the same process (a `lake` command run in process
  // while another twin serves) must hand the first one its environment back when it closes.
  const environment = twinEnvironment(config, s3.endpoint, options.verboseLogs);
  const replaced = Object.fromEntries(Object.keys(environment).map((k) => [k, process.env[k]]));
  Object.assign(process.env, environment);
  const restoreEnvironment = () => {
    for (const [k, v] of Object.entries(environment)) {
      if (process.env[k] !== v) continue; // somebody set it since: theirs now
      if (replaced[k] === undefined) delete process.env[k];
      else process.env[k] = replaced[k];
    }
  };

  const store = new S3ObjectStore(createS3Client({ endpoint: s3.endpoint }));
  let started: Awaited<ReturnType<typeof wire>>;
  try {
    started = await wire();
  } catch (err) {
    // A twin that cannot start leaves no endpoint listening and the environment as it was.
    await s3.close();
    store.client.destroy();
    restoreEnvironment();
    throw err;
  }
  const { catalog, runner, orphans, unsubscribe, reconcile, reconciled } = started;

  /** Catalog, handlers, runner, the ingest subscription and the start's reconcile. */
  async function wire() {
    const catalog = new LocalCatalog(paths.catalog);
    const values: Record<string, string> = {};
    const lambdas: Record<string, Handler> = {};
    for (const [placeholder, fn] of Object.entries(TWIN_FUNCTIONS)) {
      values[placeholder] = functionArn(fn.name);
      lambdas[functionArn(fn.name)] = (await fn.load()).handler as Handler;
    }
    const definition = renderDefinition(loadIngestTemplate(), values) as unknown as AslDefinition;
    // The JSONata checks run at every start; asl-validator's schema only for a new definition.
    const passed = await passedBefore(definition);
    const runner = new WorkflowRunner({
      definition,
      skipValidation: passed,
      name: 'lake-ingest',
      lambdas,
      store: new FileExecutionStore(paths.executions),
      objectReader: async (bucket: string, key: string) => {
        const parts: Uint8Array[] = [];
        for await (const p of await store.get(bucket, key)) parts.push(p);
        return Buffer.concat(parts).toString('utf8');
      },
    });
    if (!passed) await rememberPassed(definition);
    const orphans = await runner.abortOrphans(
      'the local twin stopped while this execution was running',
    );

    const rule: ObjectCreatedRule = {
      bucket: config.buckets.ingest,
      region: REGION,
      account: ACCOUNT,
    };
    const ingest = idempotentStarter(runner);
    let unsubscribe = () => {};
    if (options.listen !== false) {
      // The uploader's 200 waits for this: an acknowledged upload has its execution recorded.
      unsubscribe = subscribeObjectCreated(s3, rule, async (event) => {
        await ingest.start(event);
      });
    }
    s3.acceptWrites([config.buckets.ingest]);
    const reconcile = () => reconcileIngest({ s3, runner, rule, start: ingest.start });
    const reconciled = (options.reconcile ?? options.listen !== false) ? await reconcile() : [];
    return { catalog, runner, orphans, unsubscribe, reconcile, reconciled };
  }

  let closed: Promise<string[]> | undefined;
  return {
    config,
    s3,
    store,
    catalog,
    runner,
    orphans,
    reconciled,
    reconcile,
    close: () =>
      (closed ??= (async () => {
        // Uploads first: refuse new ones, let the admitted ones reach their execution.
        await Promise.race([
          s3.refuseWrites([config.buckets.ingest]),
          new Promise((r) => setTimeout(r, CLOSE_DRAIN_MS).unref()),
        ]);
        unsubscribe();
        try {
          return await runner.stopAll('the local twin stopped while this execution was running');
        } finally {
          await s3.close();
          store.client.destroy();
          restoreEnvironment();
        }
      })()),
  };
}

/** How long close waits for admitted uploads; a slower one is cut off (and reconciled later). */
const CLOSE_DRAIN_MS = 10_000;

/** Starts one execution per object version; a name already used means already started. */
function idempotentStarter(runner: WorkflowRunner) {
  const inFlight = new Map<string, Promise<string | undefined>>();
  const start = (event: S3ObjectCreatedEvent): Promise<string | undefined> => {
    const name = executionNameFor(event);
    let pending = inFlight.get(name);
    if (!pending) {
      pending = runner
        .startExecution({ name, input: event })
        .then(
          (r) => r.executionArn as string | undefined,
          (err: unknown) => {
            if ((err as Error).name === 'ExecutionAlreadyExists') return undefined;
            throw err;
          },
        )
        .finally(() => inFlight.delete(name));
      inFlight.set(name, pending);
    }
    return pending;
  };
  return { start };
}

/**
 * Reconcile the twin's ingest bucket with its executions: every object without an execution for
 * its version gets one. An object from an older state folder (no write record) counts as done when
 * an execution's input names its bucket, key and ETag. Returns the ARNs started.
 * @example const started = await reconcileIngest(twin); // what `lake reconcile` runs
 */
export async function reconcileIngest(
  twin:
    | Twin
    | {
        s3: Pick<S3Endpoint, 'storedObjects'>;
        runner: WorkflowRunner;
        rule: ObjectCreatedRule;
        start: (event: S3ObjectCreatedEvent) => Promise<string | undefined>;
      },
): Promise<string[]> {
  if ('reconcile' in twin) return twin.reconcile();
  const { s3, runner, rule, start } = twin;
  const stored = await storedObjectEvents(s3, rule);
  let legacy: Set<string> | undefined;
  const started: string[] = [];
  for (const { event, recorded } of stored) {
    if (!recorded) {
      legacy ??= await executedVersions(runner);
      if (legacy.has(versionKey(event))) continue;
    }
    const arn = await start(event);
    if (arn) started.push(arn);
  }
  return started;
}

const versionKey = (e: S3ObjectCreatedEvent) =>
  [e.detail.bucket.name, e.detail.object.key, e.detail.object.etag.replace(/"/g, '')].join('\0');

/** bucket/key/ETag of every execution's input event. */
async function executedVersions(runner: WorkflowRunner): Promise<Set<string>> {
  const out = new Set<string>();
  for (const { executionArn } of (await runner.listExecutions({})).executions) {
    const { input } = await runner.describeExecution(executionArn);
    try {
      const event = JSON.parse(input ?? '{}') as S3ObjectCreatedEvent;
      if (event.detail?.object?.key !== undefined) out.add(versionKey(event));
    } catch {
      // Not an object-created input (a manual start): no version to match.
    }
  }
  return out;
}

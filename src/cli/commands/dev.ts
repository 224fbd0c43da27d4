/** `lake dev`: the local twin in the foreground, with the sample data on a first start. */
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  startConsoleServer,
  twinBackend,
  type ConsoleServer,
} from '../../../console/server/index.js';
import { loadContracts } from '../../core/contract/index.js';
import type { Contract } from '../../core/contract/types.js';
import { startControlServer } from '../../local/control.js';
import { startTwin } from '../../local/twin.js';
import type { TwinConfig } from '../../local/twinConfig.js';
import { EXAMPLE_QUERY } from '../exampleQuery.js';
import { printRunSummaries, safeJson, sourceKeyOfInput } from '../executionView.js';
import { progressPrinter } from '../progress.js';
import {
  findRunningTwin,
  lockStateFolder,
  removeTwinRecord,
  writeTwinRecord,
} from '../twinHandle.js';
import { CliError, EXIT } from '../errors.js';
import { runQuery } from './query.js';
import { listTables } from './tables.js';
import { formatTable } from '../format.js';

/** Options of `lake dev`. */
export interface DevOptions {
  samples?: boolean;
  samplesDir?: string;
  once?: boolean;
  verbose?: boolean;
  /** List every partition of each sample run. */
  allPartitions?: boolean;
  /** Serve the console (default true). */
  console?: boolean;
  /** The console's loopback port (0: a free one; default: a free one). */
  consolePort?: number;
  /** The port is the default, not asked for: when it is taken, a free one will do. */
  consolePortIsDefault?: boolean;
}

/** The console on `port`; when a default port is taken, on a free one instead. */
async function startConsole(
  twin: Awaited<ReturnType<typeof startTwin>>,
  contracts: Contract[],
  token: string,
  port: number,
  portIsDefault: boolean,
): Promise<ConsoleServer> {
  const { config } = twin;
  const backend = twinBackend(twin, { contracts, query: (sql) => runQuery(config, sql) });
  const options = { token, tables: () => listTables(config) };
  try {
    return await startConsoleServer(backend, { ...options, port });
  } catch (err) {
    if (!portIsDefault || (err as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw err;
    return startConsoleServer(backend, { ...options, port: 0 });
  }
}

/** Start the twin; load the samples when asked (or on a first start); serve until Ctrl-C. */
export async function dev(
  config: TwinConfig,
  options: DevOptions,
  print: (line: string) => void,
): Promise<number> {
  if (config.stage)
    throw new CliError(
      'lake dev starts the local twin; it takes no --stage',
      EXIT.usage,
      'for live Lambdas in a stage, run: npx sst dev',
    );
  if (await findRunningTwin(config)) {
    throw new CliError(
      `a lake dev already runs for ${config.dir}`,
      EXIT.unavailable,
      'use it, or stop it with Ctrl-C first',
    );
  }
  // For the summaries' dataset names only: a broken contract fails its executions, not the start.
  const contracts = await loadContracts(config.schemasDir).catch((): Contract[] => []);
  // One twin per state folder: the lock first, released last.
  const lock = (await lockStateFolder(config, 'lake dev'))!;
  let twin: Awaited<ReturnType<typeof startTwin>>;
  let control: Awaited<ReturnType<typeof startControlServer>>;
  let consoleServer: ConsoleServer | undefined;
  let consoleError: string | undefined;
  try {
    twin = await startTwin(config, { listen: true, verboseLogs: options.verbose ?? false });
    // A fresh random token per start; twin.json (0600) hands it to the lake commands.
    control = await startControlServer(twin.runner).catch(async (err: unknown) => {
      await twin.close();
      throw err;
    });
    // The console shares the control API's token: one secret per start, in one 0600 file.
    if (options.console !== false) {
      consoleServer = await startConsole(
        twin,
        contracts,
        control.token,
        options.consolePort ?? 0,
        options.consolePortIsDefault ?? options.consolePort === undefined,
      ).catch(async (err: unknown) => {
        const e = err as NodeJS.ErrnoException;
        // A port asked for and taken is the user's to fix; anything else leaves the twin serving.
        if (e.code !== 'EADDRINUSE') {
          consoleError = e.message;
          return undefined;
        }
        await control.close();
        await twin.close();
        throw new CliError(
          `console port ${options.consolePort} is in use by another program`,
          EXIT.unavailable,
          'pass --console-port N (0 picks a free one), or --no-console',
        );
      });
    }
  } catch (err) {
    await lock.release();
    throw err;
  }
  await writeTwinRecord(config, {
    pid: process.pid,
    s3Endpoint: twin.s3.endpoint,
    controlUrl: control.url,
    token: control.token,
    ...(consoleServer ? { consoleUrl: consoleServer.consoleUrl } : {}),
    startedAt: new Date().toISOString(),
  });
  const stop = async () => {
    await consoleServer?.close();
    await control.close();
    const stopped = await twin.close();
    await removeTwinRecord(config);
    await lock.release();
    if (stopped.length) {
      print(
        `  ${stopped.length} running execution(s) stopped (ABORTED); after the next start: lake redrive ID (see lake executions --status ABORTED)`,
      );
    }
  };
  const unsubscribe = twin.runner.subscribe(progressPrinter(print));

  print(`lake twin up: state in ${config.dir}`);
  print(
    `  S3 endpoint   ${twin.s3.endpoint}  (buckets: ${Object.values(config.buckets).join(', ')})`,
  );
  print(
    `  upload        aws --endpoint-url ${twin.s3.endpoint} s3 cp FILE s3://${config.buckets.ingest}/`,
  );
  print(`  query         npm run lake -- query 'SELECT * FROM users LIMIT 5'`);
  if (consoleServer) print(`  console       ${consoleServer.consoleUrl}`);
  else if (consoleError) print(`  console       not served: ${consoleError}`);
  if (twin.orphans.length) {
    print(
      `  ${twin.orphans.length} execution(s) were running when the twin last stopped; now ABORTED: redrive with lake redrive ID`,
    );
  }

  let failed = 0;
  try {
    failed = await samples(twin, config, options, contracts, print);
  } catch (err) {
    // The twin's servers would keep the process alive after the error.
    unsubscribe();
    await stop();
    throw err;
  }

  if (options.once) {
    unsubscribe();
    await stop();
    return failed ? EXIT.failed : EXIT.ok;
  }
  print('\nWaiting for uploads. Ctrl-C stops the twin (state stays in ' + config.dir + ').');
  await new Promise<void>((resolveStop) => {
    const onSignal = () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      resolveStop();
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  print('\nStopping the twin…');
  unsubscribe();
  await stop();
  return EXIT.ok;
}

/** On a first start (or with --samples): upload sample_data/, summarise, query. Returns the failed runs. */
async function samples(
  twin: Awaited<ReturnType<typeof startTwin>>,
  config: TwinConfig,
  options: DevOptions,
  contracts: Contract[],
  print: (line: string) => void,
): Promise<number> {
  const { executions } = await twin.runner.listExecutions({});
  if (!(options.samples ?? executions.length === 0)) return 0;
  const dir = resolve(options.samplesDir ?? 'sample_data');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.csv')).sort();
  if (files.length === 0)
    throw new CliError(
      `no .csv file in ${dir}`,
      EXIT.usage,
      'pass --samples-dir DIR, or --no-samples',
    );
  print(`\nUploading ${files.length} sample files from ${dir} to s3://${config.buckets.ingest}/ …`);
  // The endpoint's events start the executions; the runner tells us each one as it starts.
  const arns = new Map<string, string>();
  let allStarted!: () => void;
  const started = new Promise<void>((r) => (allStarted = r));
  const stopWatching = twin.runner.subscribe((event) => {
    if (event.type !== 'ExecutionStarted') return;
    const key = sourceKeyOfInput(safeJson(event.executionStartedEventDetails?.input));
    if (files.includes(key) && !arns.has(key)) arns.set(key, event.executionArn);
    if (arns.size === files.length) allStarted();
  });
  for (const file of files) {
    await twin.store.put(config.buckets.ingest, file, await readFile(join(dir, file)), 'text/csv');
  }
  await started;
  stopWatching();
  const done = await Promise.all(files.map((f) => twin.runner.waitForExecution(arns.get(f)!)));
  const failed = done.filter((d) => d.status !== 'SUCCEEDED').length;
  print('\nRun summaries:');
  printRunSummaries(done, print, options.allPartitions, contracts);
  if (failed) {
    // Its tables may be missing: the failures above are the news, not a query error.
    print(`\nExample query skipped: ${failed} sample run(s) failed (see above).`);
    return failed;
  }
  print(
    `\nExample query (Athena SQL, answered by DuckDB over the registered partitions):\n${EXAMPLE_QUERY}\n`,
  );
  const result = await runQuery(config, EXAMPLE_QUERY);
  print(
    formatTable(
      result.columns.map((c) => c.name),
      result.rows,
    ),
  );
  return 0;
}

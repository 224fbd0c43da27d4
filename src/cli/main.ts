/** The `lake` command: the local twin and its tools. `lake --help` lists the commands. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { twinConfig, DEFAULT_TWIN_PORT } from '../local/twinConfig.js';
import { CliError, EXIT } from './errors.js';
import { DEFAULT_CONSOLE_PORT, dev } from './commands/dev.js';
import { ingest } from './commands/ingest.js';
import { listExecutions, redriveExecution, showExecution } from './commands/executions.js';
import { query } from './commands/query.js';
import { tables } from './commands/tables.js';
import { ALL_PARTITIONS_FLAG, FEW } from './partitionList.js';
import { reconcile } from './commands/reconcile.js';
import { reprocess } from './commands/reprocess.js';

const print = (line: string) => process.stdout.write(`${line}\n`);

/** Help of `--all-partitions`, shared by the commands that print run summaries. */
const ALL_PARTITIONS_HELP =
  'list every partition (and, in lake show, every file) instead of the count, the first and the last';

function parsePort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || port > 65535)
    throw new InvalidArgumentError('a port number from 0 to 65535 (0 picks a free port)');
  return port;
}

/** `--console-port`, else `LAKE_CONSOLE_PORT`, else none (the default port, or a free one). */
function consolePortOf(option: number | undefined): { consolePort?: number } {
  if (option !== undefined) return { consolePort: option };
  const env = process.env.LAKE_CONSOLE_PORT;
  return env && /^\d+$/.test(env) ? { consolePort: Number(env) } : {};
}

function program(setExit: (code: number) => void): Command {
  const root = new Command('lake')
    .description(
      'An event-driven data lake: S3 → EventBridge → Step Functions → Parquet + Glue → Athena, and its local twin.',
    )
    .option('--dir <path>', 'state folder of the local twin', process.env.LAKE_DIR ?? '.lake')
    .option(
      '--port <n>',
      `S3 endpoint port of the local twin (default ${DEFAULT_TWIN_PORT}, or LAKE_PORT; 0 picks a free one)`,
      parsePort,
    )
    .option('--schemas <path>', 'folder of dataset contracts', 'schemas')
    .option(
      '--stage <name>',
      'act on a deployed AWS stage (sst deploy --stage NAME) instead of the twin: query, ingest, executions, show, redrive, reprocess, reconcile',
    )
    .showHelpAfterError('(run lake --help for usage)')
    .exitOverride();
  const config = () => {
    const o = root.opts<{ dir: string; port?: number; schemas: string; stage?: string }>();
    // `--port 0` is meaningful (a free port): only an absent option falls back to the default.
    return twinConfig({
      dir: o.dir,
      schemasDir: o.schemas,
      ...(o.port !== undefined ? { port: o.port } : {}),
      ...(o.stage ? { stage: o.stage } : {}),
    });
  };

  root
    .command('dev')
    .description(
      'start the local twin: S3 endpoint, workflow runner, catalog and DuckDB; load the samples on a first start',
    )
    .option('--samples', 'upload sample_data/ even when executions exist')
    .option('--no-samples', 'do not upload sample_data/')
    .option('--samples-dir <path>', 'folder of sample files', 'sample_data')
    .option('--once', 'stop after loading the samples (exit code 1 if any execution failed)')
    .option('--verbose', "print the handlers' structured logs")
    .option(ALL_PARTITIONS_FLAG, ALL_PARTITIONS_HELP)
    .option(
      '--console-port <n>',
      `loopback port of the console (default ${DEFAULT_CONSOLE_PORT}, or LAKE_CONSOLE_PORT; a free one when taken)`,
      parsePort,
    )
    .option('--no-console', 'do not serve the console')
    .addHelpText(
      'after',
      '\nExample:\n  lake dev                 # then, in another terminal:\n  aws --endpoint-url http://127.0.0.1:4568 s3 cp users.csv s3://lake-ingest/',
    )
    .action(
      async (o: {
        samples?: boolean;
        samplesDir: string;
        once?: boolean;
        verbose?: boolean;
        allPartitions?: boolean;
        console: boolean;
        consolePort?: number;
      }) =>
        setExit(
          await dev(
            config(),
            {
              ...(o.samples !== undefined ? { samples: o.samples } : {}),
              samplesDir: o.samplesDir,
              once: o.once ?? false,
              verbose: o.verbose ?? false,
              allPartitions: o.allPartitions ?? false,
              console: o.console,
              ...consolePortOf(o.consolePort),
            },
            print,
          ),
        ),
    );

  root
    .command('ingest')
    .description(
      'upload files to the ingest bucket, wait for their executions and print the run summaries',
    )
    .argument('<files...>', 'CSV files; the file name picks the dataset (see schemas/)')
    .option('--prefix <prefix>', 'key prefix in the ingest bucket', '')
    .option('--no-wait', 'upload only')
    .option(ALL_PARTITIONS_FLAG, ALL_PARTITIONS_HELP)
    .action(
      async (files: string[], o: { prefix: string; wait: boolean; allPartitions?: boolean }) =>
        setExit(await ingest(config(), files, o, print)),
    );

  root
    .command('query')
    .description('run Athena SQL against the registered partitions (DuckDB)')
    .argument('<sql>', 'e.g. "SELECT count(*) FROM users"')
    .addOption(new Option('--json', 'print rows as JSON').conflicts('csv'))
    .option('--csv', 'print rows as CSV')
    .action(async (sql: string, o: { json?: boolean; csv?: boolean }) =>
      setExit(await query(config(), sql, o.json ? 'json' : o.csv ? 'csv' : 'table', print)),
    );

  root
    .command('tables')
    .description('list tables and views with their partitions, files and rows')
    .option('--json', 'print the list as JSON: name, type, partitions, files, rows')
    .action(async (o: { json?: boolean }) =>
      setExit(await tables(config(), print, { json: o.json ?? false })),
    );

  root
    .command('executions')
    .description('recent executions, newest first')
    .option('--status <status>', 'RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .action(async (o: { status?: string; limit: number }) =>
      setExit(await listExecutions(config(), o, print)),
    );

  root
    .command('show')
    .description('the state-by-state timeline of an execution: inputs, outputs, errors, retries')
    .argument('<id>', 'execution name, a unique prefix of it, or its ARN')
    .option(ALL_PARTITIONS_FLAG, ALL_PARTITIONS_HELP)
    .addHelpText(
      'after',
      `\nA run's partitions and files beyond ${FEW} print as a count, the first and the last.`,
    )
    .action(async (id: string, o: { allPartitions?: boolean }) =>
      setExit(
        await showExecution(config(), id, print, { allPartitions: o.allPartitions ?? false }),
      ),
    );

  root
    .command('redrive')
    .description('resume a failed or aborted execution at the state that failed')
    .argument('<id>', 'execution name, a unique prefix of it, or its ARN')
    .option(ALL_PARTITIONS_FLAG, ALL_PARTITIONS_HELP)
    .action(async (id: string, o: { allPartitions?: boolean }) =>
      setExit(
        await redriveExecution(config(), id, print, { allPartitions: o.allPartitions ?? false }),
      ),
    );

  root
    .command('reprocess')
    .description(
      'run stored raw files through the current contract again (replacing their earlier rows)',
    )
    .argument('<target>', 'a dataset name, or one raw key (dataset/ingest_date=…/source-id/file)')
    .action(async (target: string) => setExit(await reprocess(config(), target, print)));

  root
    .command('reconcile')
    .description(
      'start an execution for every upload in the ingest bucket that none has finished with (events that never arrived)',
    )
    .option('--dry-run', 'list the uploads, start nothing')
    .option('--no-wait', 'start the executions and return')
    .addHelpText(
      'after',
      '\nAn upload counts as finished when a manifest or a quarantine report names its version.\nSafe to repeat: execution names are fixed by bucket, key and version.\n\nExample:\n  lake --stage dev reconcile --dry-run',
    )
    .action(async (o: { dryRun?: boolean; wait: boolean }) =>
      setExit(await reconcile(config(), { dryRun: o.dryRun ?? false, wait: o.wait }, print)),
    );

  return root;
}

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  let code: number = EXIT.ok;
  try {
    await program((c) => (code = c)).parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (err instanceof CliError) {
      process.stderr.write(`lake: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`);
      return err.exitCode;
    }
    const e = err as Error;
    process.stderr.write(`lake: ${e.name}: ${e.message}\n`);
    return EXIT.failed;
  }
}

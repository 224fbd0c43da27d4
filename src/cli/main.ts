/** The `lake` command: the local twin and its tools. `lake --help` lists the commands. */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { twinConfig, DEFAULT_TWIN_PORT } from '../local/twinConfig.js';
import { CliError, EXIT } from './errors.js';
import { exitQuietlyOnBrokenPipe } from './stdio.js';
import { ALL_PARTITIONS_FLAG, FEW } from './partitionList.js';

// Commands load on use: `lake query` need not load the AWS SDK, s3rver and the runner.
const commands = {
  dev: () => import('./commands/dev.js'),
  ingest: () => import('./commands/ingest.js'),
  executions: () => import('./commands/executions.js'),
  query: () => import('./commands/query.js'),
  tables: () => import('./commands/tables.js'),
  reconcile: () => import('./commands/reconcile.js'),
  deadLetters: () => import('./commands/deadLetters.js'),
  reprocess: () => import('./commands/reprocess.js'),
};

/** The console's port unless `--console-port` or `LAKE_CONSOLE_PORT` says otherwise. */
const DEFAULT_CONSOLE_PORT = 4569;

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

/** `LAKE_CONSOLE_PORT`, when set to a number. */
function envConsolePort(): number | undefined {
  const env = process.env.LAKE_CONSOLE_PORT;
  return env && /^\d+$/.test(env) ? Number(env) : undefined;
}

function program(setExit: (code: number) => void): Command {
  const root = new Command('lake')
    .description(
      'An event-driven data lake: S3 → EventBridge → Step Functions → Parquet + Glue → Athena, and its local twin.',
    )
    .option('--dir <path>', 'state folder of the local twin (default .lake, or LAKE_DIR)')
    .option(
      '--port <n>',
      `S3 endpoint port of the local twin (default ${DEFAULT_TWIN_PORT}, or LAKE_PORT; 0 picks a free one)`,
      parsePort,
    )
    .option('--schemas <path>', 'folder of dataset contracts', 'schemas')
    .option(
      '--stage <name>',
      'act on a deployed AWS stage (sst deploy --stage NAME) instead of the twin: query, ingest, executions, show, redrive, reprocess, reconcile, dead-letters',
    )
    .showHelpAfterError('(run lake --help for usage)')
    .exitOverride();
  const config = () => {
    const o = root.opts<{ dir?: string; port?: number; schemas: string; stage?: string }>();
    // `--port 0` is meaningful (a free port): only an absent option falls back to the default.
    return twinConfig({
      ...(o.dir !== undefined ? { dir: o.dir } : {}),
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
          await (
            await commands.dev()
          ).dev(
            config(),
            {
              ...(o.samples !== undefined ? { samples: o.samples } : {}),
              samplesDir: o.samplesDir,
              once: o.once ?? false,
              verbose: o.verbose ?? false,
              allPartitions: o.allPartitions ?? false,
              console: o.console,
              consolePort: o.consolePort ?? envConsolePort() ?? DEFAULT_CONSOLE_PORT,
              consolePortIsDefault: o.consolePort === undefined && envConsolePort() === undefined,
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
        setExit(await (await commands.ingest()).ingest(config(), files, o, print)),
    );

  root
    .command('query')
    .description('run Athena SQL against the registered partitions (DuckDB)')
    .argument('<sql>', 'e.g. "SELECT count(*) FROM users"')
    .addOption(new Option('--json', 'print rows as JSON').conflicts('csv'))
    .option('--csv', 'print rows as CSV')
    .action(async (sql: string, o: { json?: boolean; csv?: boolean }) =>
      setExit(
        await (
          await commands.query()
        ).query(config(), sql, o.json ? 'json' : o.csv ? 'csv' : 'table', print),
      ),
    );

  root
    .command('tables')
    .description('list tables and views with their partitions, files and rows')
    .option('--json', 'print the list as JSON: name, type, partitions, files, rows')
    .action(async (o: { json?: boolean }) =>
      setExit(await (await commands.tables()).tables(config(), print, { json: o.json ?? false })),
    );

  root
    .command('executions')
    .description('recent executions, newest first')
    .option('--status <status>', 'RUNNING, SUCCEEDED, FAILED, ABORTED, TIMED_OUT (any case)')
    .option('--limit <n>', 'how many', (v) => Number(v), 20)
    .option(
      '--json',
      'print them as JSON: name, status, file, dataset, rows read/curated/rejected, duration, error',
    )
    .action(async (o: { status?: string; limit: number; json?: boolean }) =>
      setExit(await (await commands.executions()).listExecutions(config(), o, print)),
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
        await (
          await commands.executions()
        ).showExecution(config(), id, print, { allPartitions: o.allPartitions ?? false }),
      ),
    );

  root
    .command('redrive')
    .description('resume a failed or aborted execution at the state that failed')
    .argument('[id]', 'execution name, a unique prefix of it, or its ARN')
    .option('--aborted', 'every execution a stop of the twin left ABORTED (instead of an id)')
    .option(ALL_PARTITIONS_FLAG, ALL_PARTITIONS_HELP)
    .action(async (id: string | undefined, o: { aborted?: boolean; allPartitions?: boolean }) => {
      if (!id === !o.aborted)
        throw new CliError(
          'name one execution, or pass --aborted',
          EXIT.usage,
          'lake redrive --help',
        );
      const module = await commands.executions();
      const options = { allPartitions: o.allPartitions ?? false };
      setExit(
        id
          ? await module.redriveExecution(config(), id, print, options)
          : await module.redriveAborted(config(), print, options),
      );
    });

  root
    .command('reprocess')
    .description(
      'run stored raw files through the current contract again (replacing their earlier rows)',
    )
    .argument('<target>', 'a dataset name, or one raw key (dataset/ingest_date=…/source-id/file)')
    .action(async (target: string) =>
      setExit(await (await commands.reprocess()).reprocess(config(), target, print)),
    );

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
      setExit(
        await (
          await commands.reconcile()
        ).reconcile(config(), { dryRun: o.dryRun ?? false, wait: o.wait }, print),
      ),
    );

  root
    .command('dead-letters')
    .description(
      'a deployed stage only: ingest events EventBridge could not deliver (its dead-letter queue); --replay starts their executions',
    )
    .option('--replay', 'start the execution each event should have started, then delete it')
    .addHelpText(
      'after',
      '\nExample:\n  lake --stage dev dead-letters\n  lake --stage dev dead-letters --replay',
    )
    .action(async (o: { replay?: boolean }) =>
      setExit(
        await (
          await commands.deadLetters()
        ).deadLetters(config(), { replay: o.replay ?? false }, print),
      ),
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

/** The `lake` process: `main` with its output safe in pipes (`lake show ID | head -1`). */
export async function run(argv: string[]): Promise<number> {
  exitQuietlyOnBrokenPipe();
  return main(argv);
}

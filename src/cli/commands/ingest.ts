/** `lake ingest FILE…`: upload files to the ingest bucket, wait for their executions, print the summaries. */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Upload } from '@aws-sdk/lib-storage';
import type { TwinConfig } from '../../local/twinConfig.js';
import { CliError, EXIT } from '../errors.js';
import { printRunSummaries, sourceKeyOfInput, waitForAll } from '../executionView.js';
import { openTwin } from '../twinHandle.js';

/** Options of `lake ingest`. */
export interface IngestOptions {
  /** Key prefix in the ingest bucket. */
  prefix?: string;
  wait?: boolean;
  /** List every partition of each run, not just the count, the first and the last. */
  allPartitions?: boolean;
}

function progressBar(done: number, total: number, width = 30): string {
  const filled = total ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${total ? Math.floor((done / total) * 100) : 100}%`;
}

/** Upload every file, then wait for the executions the uploads start. */
export async function ingest(
  config: TwinConfig,
  files: string[],
  options: IngestOptions,
  print: (line: string) => void,
): Promise<number> {
  if (files.length === 0)
    throw new CliError('no file given', EXIT.usage, 'lake ingest FILE [FILE…]');
  for (const f of files) {
    const s = await stat(f).catch(() => undefined);
    if (!s?.isFile()) throw new CliError(`${f} is not a readable file`, EXIT.usage);
  }
  const twin = await openTwin(config, { listen: true });
  if (options.wait === false && twin.mode === 'in-process') {
    await twin.close();
    // Executions run in the process of the twin: with no `lake dev` running, they end with this command.
    throw new CliError(
      '--no-wait needs a running twin: no lake dev runs for ' + config.dir,
      EXIT.usage,
      'start one with npm start (lake dev) in another terminal, or drop --no-wait',
    );
  }
  try {
    const started = Date.now();
    const keys: string[] = [];
    for (const file of files) {
      const key = `${options.prefix ?? ''}${basename(file)}`;
      const size = (await stat(file)).size;
      const upload = new Upload({
        client: twin.store.client,
        params: { Bucket: twin.buckets.ingest, Key: key, Body: createReadStream(file) },
      });
      const big = size > 8 * 1024 * 1024 && process.stderr.isTTY;
      if (big)
        upload.on('httpUploadProgress', (p) =>
          process.stderr.write(`\r  ${key} ${progressBar(p.loaded ?? 0, size)}`),
        );
      await upload.done();
      if (big) process.stderr.write('\n');
      print(`  uploaded s3://${twin.buckets.ingest}/${key} (${size} bytes)`);
      keys.push(key);
    }
    if (options.wait === false) return EXIT.ok;
    const arns = new Map<string, string>();
    const deadline = Date.now() + 30_000;
    while (arns.size < keys.length) {
      if (Date.now() > deadline)
        throw new CliError(
          'no execution started for the upload within 30 s',
          EXIT.unavailable,
          'is the twin listening? see lake executions',
        );
      const { executions } = await twin.executions.listExecutions({});
      for (const e of executions) {
        if (
          new Date(e.startDate).getTime() < started - 1000 ||
          [...arns.values()].includes(e.executionArn)
        )
          continue;
        const key = sourceKeyOfInput(
          (await twin.executions.describeExecution(e.executionArn)).input,
        );
        if (keys.includes(key) && !arns.has(key)) arns.set(key, e.executionArn);
      }
      if (arns.size < keys.length) await new Promise((r) => setTimeout(r, 100));
    }
    print(`  waiting for ${arns.size} execution(s)…`);
    const done = await waitForAll(twin.executions, [...arns.values()]);
    printRunSummaries(done, print, options.allPartitions, twin.contracts);
    return done.every((d) => d.status === 'SUCCEEDED') ? EXIT.ok : EXIT.failed;
  } finally {
    await twin.close();
  }
}

import {
  curatedTableInput,
  partitionInput,
  rejectedTableInput,
} from '../core/catalog/tableInput.js';
import type { TableInput } from '../core/catalog/glueTypes.js';
import type { ChunkSummary } from '../core/transform/index.js';
import { summarizeRun } from '../core/transform/index.js';
import { TerminalError } from '../core/errors.js';
import { contractFor } from './contracts.js';
import type { PipelineDeps } from './deps.js';
import { chunkSummaryKey, keyIdOf, manifestKey, stagingPrefix } from './keys.js';
import { compareSequencers, readJson, writeJson, type Manifest } from './manifest.js';
import type { CommitRequest, RunSummary } from './types.js';
import { mapLimit } from './mapLimit.js';

const COPY_CONCURRENCY = 16;

/** A chunk's staged summary is missing: Transform did not finish for it. */
export class ChunkMissingError extends TerminalError {
  override name = 'ChunkMissingError';
}

/**
 * Commit, the point after which a file's rows are visible: publish the staged files, delete what
 * an earlier version of the same key produced and this one did not, ensure the catalog tables from
 * the contract, register new partitions, and write the manifest. Every step is idempotent, so a
 * retry or a redrive after a failure part-way finishes the job without duplicates.
 */
export async function commit(req: CommitRequest, deps: PipelineDeps): Promise<RunSummary> {
  const { source } = req;
  const contract = contractFor(deps, source.dataset);
  const curated = deps.buckets.curated;
  const staging = stagingPrefix(source.sourceId);

  const indices = req.chunks.map((c) => c.chunk).sort((a, b) => a - b);
  const found = await mapLimit(indices, COPY_CONCURRENCY, (chunk) =>
    readJson<ChunkSummary>(deps.store, curated, chunkSummaryKey(source.sourceId, chunk)),
  );
  const missing = indices.filter((_, i) => !found[i]);
  if (missing.length)
    throw new ChunkMissingError(
      `chunk(s) ${missing.join(', ')} of ${source.sourceKey} have no staged summary`,
      { dataset: source.dataset, key: source.sourceKey },
    );
  const chunks = found as ChunkSummary[];
  const run = summarizeRun(contract, chunks);
  const mKey = manifestKey(source.dataset, keyIdOf(source.sourceBucket, source.sourceKey));
  const previous = await readJson<Manifest>(deps.store, curated, mKey);
  const base = {
    dataset: source.dataset,
    sourceKey: source.sourceKey,
    sourceVersion: source.sourceVersion,
    sourceId: source.sourceId,
    executionId: req.executionId,
    rowsRead: run.rowsRead,
    rowsCurated: run.rowsCurated,
    rowsRejected: run.rowsRejected,
    rejectRatio: run.rejectRatio,
    manifestKey: mKey,
  };

  // An older upload of this key finishing after a newer one must not bring its rows back.
  if (
    previous?.sequencer &&
    source.sequencer &&
    previous.sourceId !== source.sourceId &&
    compareSequencers(previous.sequencer, source.sequencer) > 0
  ) {
    await deleteStaging(deps, staging);
    deps.logger?.warn('superseded by a newer version; nothing published', {
      sourceKey: source.sourceKey,
      current: previous.sourceVersion,
    });
    return { ...base, partitions: [], files: [], superseded: true };
  }

  const location = (table: string) => `s3://${curated}/${table}/`;
  const curatedTable = curatedTableInput(contract, location(contract.dataset));
  const rejectedTable = rejectedTableInput(contract, location(`${contract.dataset}_rejected`));
  await deps.catalog.ensureDatabase(deps.database);
  await deps.catalog.ensureTable(deps.database, curatedTable);
  await deps.catalog.ensureTable(deps.database, rejectedTable);

  const files = chunks.flatMap((c) => c.files).sort();
  // Server-side copies are independent; a handful in flight keeps many-partition files quick.
  await mapLimit(files, COPY_CONCURRENCY, (file) =>
    deps.store.copy({ bucket: curated, key: staging + file }, { bucket: curated, key: file }),
  );
  const published = new Set(files);
  const stale = (previous?.files ?? []).filter((f) => !published.has(f));
  if (stale.length) await deps.store.delete(curated, stale);

  await register(deps, curatedTable, run.partitions);
  await register(deps, rejectedTable, run.rejectedPartitions);

  const manifest: Manifest = {
    dataset: source.dataset,
    sourceBucket: source.sourceBucket,
    sourceKey: source.sourceKey,
    sourceVersion: source.sourceVersion,
    sourceId: source.sourceId,
    ...(source.sequencer ? { sequencer: source.sequencer } : {}),
    executionId: req.executionId,
    committedAt: new Date().toISOString(),
    rowsRead: run.rowsRead,
    rowsCurated: run.rowsCurated,
    rowsRejected: run.rowsRejected,
    files,
  };
  await writeJson(deps.store, curated, mKey, manifest);
  await deleteStaging(deps, staging);
  deps.logger?.info('committed', {
    dataset: source.dataset,
    sourceKey: source.sourceKey,
    files: files.length,
    replaced: stale.length,
  });

  return {
    ...base,
    partitions: [
      ...run.partitions.map((p) => ({ table: curatedTable.Name, ...p })),
      ...run.rejectedPartitions.map((p) => ({ table: rejectedTable.Name, ...p })),
    ],
    files,
    superseded: false,
  };
}

async function register(
  deps: PipelineDeps,
  table: TableInput,
  partitions: { date: string; hour?: string; rows: number }[],
) {
  const inputs = partitions
    .filter((p) => p.rows > 0)
    .map((p) => partitionInput(table, p.date, p.hour));
  if (inputs.length) await deps.catalog.registerPartitions(deps.database, table.Name, inputs);
}

/** Remove a source's staging area (after publishing, or when its run is abandoned). */
export async function deleteStaging(deps: PipelineDeps, prefix: string): Promise<void> {
  const staged = await deps.store.list(deps.buckets.curated, prefix);
  if (staged.length)
    await deps.store.delete(
      deps.buckets.curated,
      staged.map((o) => o.key),
    );
}

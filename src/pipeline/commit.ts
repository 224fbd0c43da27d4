import {
  curatedTableInput,
  partitionInput,
  rejectedTableInput,
} from '../core/catalog/tableInput.js';
import { currentViewInput } from '../core/catalog/currentView.js';
import type { TableInput } from '../core/catalog/glueTypes.js';
import type { Contract } from '../core/contract/types.js';
import type { ChunkSummary, RunSummary as ChunkRunSummary } from '../core/transform/index.js';
import { fileStatsOf, summarizeRun } from '../core/transform/index.js';
import { TerminalError, TransientError } from '../core/errors.js';
import { ObjectNotFoundError, PreconditionFailedError } from '../core/storageErrors.js';
import { contractFor } from './contracts.js';
import type { PipelineDeps } from './deps.js';
import { chunkSummaryKey, manifestKey, stagingPrefix } from './keys.js';
import {
  compareVersions,
  readJson,
  readManifest,
  writeManifest,
  type CommittedPartition,
  type Manifest,
} from './manifest.js';
import type { CommitRequest, RunSummary } from './types.js';
import { mapLimit } from './mapLimit.js';

const COPY_CONCURRENCY = 16;
/** Conditional manifest writes lost in a row before Commit gives the Retry policy a turn. */
const MAX_COMMIT_ATTEMPTS = 10;

/** A chunk's staged summary is missing: Transform did not finish for it. */
export class ChunkMissingError extends TerminalError {
  override name = 'ChunkMissingError';
}

/** Other Commits of the same scope kept winning the manifest write; a retry will read theirs. */
export class CommitConflictError extends TransientError {
  override name = 'CommitConflictError';
}

/**
 * Commit: the one point after which a file's rows belong to the table.
 *
 * 1. Before the commit point, all repeatable: read the staged chunk summaries, ensure the tables
 *    (and a merge table's `_current` view), copy the staged files to their published keys (named
 *    by the source version, so a repeat overwrites), register their partitions.
 * 2. The commit point: the manifest of the scope (the uploaded key; the whole table for `replace`)
 *    written on condition of the one read (`If-Match`, or `If-None-Match: *` for the first). A
 *    Commit that loses re-reads, then retries or, when the winner is the later version, stands
 *    down: it deletes what it published and reports `superseded`.
 * 3. After it, idempotent cleanup: delete the files the manifest retired, then the staging area.
 *    A redrive after a crash anywhere here finds its own manifest and only cleans up.
 */
export async function commit(req: CommitRequest, deps: PipelineDeps): Promise<RunSummary> {
  const { source } = req;
  const contract = contractFor(deps, source.dataset);
  const curated = deps.buckets.curated;
  const staging = stagingPrefix(source.sourceId, req.executionId);
  const mKey = manifestKey(contract, source.sourceBucket, source.sourceKey);
  // Published once: a lost manifest race re-reads the manifest, not the staged files.
  let published: Published | undefined;

  for (let attempt = 1; ; attempt++) {
    const current = await readManifest(deps.store, curated, mKey);
    const previous = current?.manifest;

    if (previous?.sourceId === source.sourceId && previous.executionId === req.executionId) {
      // This run committed already (a crash after the commit point, then a redrive or retry).
      await cleanUp(deps, previous, staging);
      return summaryOf(contract, previous, mKey);
    }
    if (previous && previous.sourceId !== source.sourceId && compareVersions(previous, source) > 0)
      return standDown(req, deps, staging, mKey, previous);

    published ??= await publish(req, deps, contract, staging);
    const { run, tables } = published;
    const ours = new Set(run.files);
    const replaced = [...(previous?.files ?? []), ...(previous?.retired ?? [])];
    const manifest: Manifest = {
      dataset: source.dataset,
      writeMode: contract.writeMode ?? 'append',
      sourceBucket: source.sourceBucket,
      sourceKey: source.sourceKey,
      sourceVersion: source.sourceVersion,
      sourceId: source.sourceId,
      ...(source.sequencer ? { sequencer: source.sequencer } : {}),
      ingestedAt: source.ingestedAt,
      executionId: req.executionId,
      committedAt: new Date().toISOString(),
      rowsRead: run.rowsRead,
      rowsCurated: run.rowsCurated,
      rowsRejected: run.rowsRejected,
      rejectRatio: run.rejectRatio,
      partitions: [
        ...run.partitions.map((p) => ({ table: tables.curated.Name, ...p })),
        ...run.rejectedPartitions.map((p) => ({ table: tables.rejected.Name, ...p })),
      ],
      files: run.files,
      retired: [...new Set(replaced.filter((f) => !ours.has(f)))].sort(),
    };
    try {
      await writeManifest(
        deps.store,
        curated,
        mKey,
        manifest,
        current ? { ifMatch: current.etag } : { ifNoneMatch: '*' },
      );
    } catch (err) {
      // S3 answers If-Match on a key that is gone with 404: the manifest changed all the same.
      if (!(err instanceof PreconditionFailedError || err instanceof ObjectNotFoundError))
        throw err;
      if (attempt >= MAX_COMMIT_ATTEMPTS)
        throw new CommitConflictError(
          `${source.sourceKey}: ${attempt} concurrent commits of ${mKey} won before this one`,
          { dataset: source.dataset, key: source.sourceKey },
          { cause: err },
        );
      deps.logger?.info('manifest changed under this commit; reading it again', {
        manifestKey: mKey,
        attempt,
      });
      continue;
    }
    await cleanUp(deps, manifest, staging);
    deps.logger?.info('committed', {
      dataset: source.dataset,
      sourceKey: source.sourceKey,
      files: manifest.files.length,
      retired: manifest.retired?.length ?? 0,
    });
    return summaryOf(contract, manifest, mKey);
  }
}

interface Published {
  run: ChunkRunSummary;
  tables: { curated: TableInput; rejected: TableInput };
}

/** Everything before the commit point, all repeatable: tables, published files, partitions. */
async function publish(
  req: CommitRequest,
  deps: PipelineDeps,
  contract: Contract,
  staging: string,
): Promise<Published> {
  const run = summarizeRun(contract, await readChunkSummaries(req, deps));
  const tables = await ensureTables(contract, deps);
  const curated = deps.buckets.curated;
  // One listing gives every staged size, so each copy is one request (no HeadObject first).
  const sizes = new Map((await deps.store.list(curated, staging)).map((o) => [o.key, o.size]));
  await mapLimit(run.files, COPY_CONCURRENCY, (file) =>
    deps.store.copy(
      { bucket: curated, key: staging + file, size: sizes.get(staging + file) },
      { bucket: curated, key: file },
    ),
  );
  await register(deps, tables.curated, run.partitions);
  await register(deps, tables.rejected, run.rejectedPartitions);
  return { run, tables };
}

async function readChunkSummaries(req: CommitRequest, deps: PipelineDeps): Promise<ChunkSummary[]> {
  const { source } = req;
  const indices = req.chunks.map((c) => c.chunk).sort((a, b) => a - b);
  const found = await mapLimit(indices, COPY_CONCURRENCY, (chunk) =>
    readJson<ChunkSummary>(
      deps.store,
      deps.buckets.curated,
      chunkSummaryKey(source.sourceId, req.executionId, chunk),
    ),
  );
  const missing = indices.filter((_, i) => !found[i]);
  if (missing.length)
    throw new ChunkMissingError(
      `chunk(s) ${missing.join(', ')} of ${source.sourceKey} have no staged summary`,
      { dataset: source.dataset, key: source.sourceKey },
    );
  return found as ChunkSummary[];
}

/** The curated and rejected tables (and a merge table's current view), as the catalog has them. */
async function ensureTables(
  contract: Contract,
  deps: PipelineDeps,
): Promise<{ curated: TableInput; rejected: TableInput }> {
  const location = (table: string) => `s3://${deps.buckets.curated}/${table}/`;
  const curated = curatedTableInput(contract, location(contract.dataset));
  const rejected = rejectedTableInput(contract, location(`${contract.dataset}_rejected`));
  await deps.catalog.ensureDatabase(deps.database);
  await deps.catalog.ensureTable(deps.database, curated);
  await deps.catalog.ensureTable(deps.database, rejected);
  if (contract.writeMode === 'merge') {
    // From the table as catalogued, so columns added by schema evolution reach the view.
    const table = (await deps.catalog.getTable(deps.database, curated.Name)) ?? curated;
    await deps.catalog.ensureView(deps.database, currentViewInput(contract, deps.database, table));
  }
  return { curated, rejected };
}

/** A later version holds the scope: take back what this run published, report superseded. */
async function standDown(
  req: CommitRequest,
  deps: PipelineDeps,
  staging: string,
  mKey: string,
  winner: Manifest,
): Promise<RunSummary> {
  const { source } = req;
  let run: ChunkRunSummary | undefined;
  try {
    run = summarizeRun(contractFor(deps, source.dataset), await readChunkSummaries(req, deps));
  } catch (err) {
    // Already stood down once (staging gone), or its rows would fail anyway: nothing published.
    if (!(err instanceof TerminalError)) throw err;
  }
  // Published keys carry this version's source id, so no other version names them.
  const named = new Set(winner.files);
  const ours = (run?.files ?? []).filter((f) => !named.has(f));
  if (ours.length) await deps.store.delete(deps.buckets.curated, ours);
  await deleteStaging(deps, staging);
  deps.logger?.warn('superseded by a later version; nothing published', {
    sourceKey: source.sourceKey,
    current: `${winner.sourceKey} ${winner.sourceVersion}`,
  });
  return {
    dataset: source.dataset,
    sourceKey: source.sourceKey,
    sourceVersion: source.sourceVersion,
    sourceId: source.sourceId,
    executionId: req.executionId,
    rowsRead: run?.rowsRead ?? 0,
    rowsCurated: run?.rowsCurated ?? 0,
    rowsRejected: run?.rowsRejected ?? 0,
    rejectRatio: run?.rejectRatio ?? 0,
    partitions: [],
    files: [],
    manifestKey: mKey,
    superseded: true,
  };
}

/** After the commit point: delete retired files, then the staging area. Safe to repeat. */
async function cleanUp(deps: PipelineDeps, manifest: Manifest, staging: string): Promise<void> {
  if (manifest.retired?.length) await deps.store.delete(deps.buckets.curated, manifest.retired);
  await deleteStaging(deps, staging);
}

function summaryOf(contract: Contract, manifest: Manifest, mKey: string): RunSummary {
  const { filesWritten, rowsPerFile, warnings } = fileStatsOf(
    contract,
    manifest.files,
    manifest.rowsCurated,
  );
  return {
    dataset: manifest.dataset,
    sourceKey: manifest.sourceKey,
    sourceVersion: manifest.sourceVersion,
    sourceId: manifest.sourceId,
    executionId: manifest.executionId,
    rowsRead: manifest.rowsRead,
    rowsCurated: manifest.rowsCurated,
    rowsRejected: manifest.rowsRejected,
    rejectRatio: manifest.rejectRatio ?? 0,
    partitions: manifest.partitions ?? [],
    files: manifest.files,
    filesWritten,
    rowsPerFile,
    warnings,
    manifestKey: mKey,
    superseded: false,
  };
}

async function register(
  deps: PipelineDeps,
  table: TableInput,
  partitions: Omit<CommittedPartition, 'table'>[],
) {
  const inputs = partitions
    .filter((p) => p.rows > 0)
    .map((p) => partitionInput(table, p.date, p.hour));
  if (inputs.length) await deps.catalog.registerPartitions(deps.database, table.Name, inputs);
}

/**
 * Remove a staging area (after publishing, or when its run is abandoned): data files first, the
 * chunk summaries last, so a crash part-way leaves what a redrive needs to finish the job.
 */
export async function deleteStaging(deps: PipelineDeps, prefix: string): Promise<void> {
  const staged = (await deps.store.list(deps.buckets.curated, prefix)).map((o) => o.key);
  const isSummary = (key: string) => key.startsWith(`${prefix}_chunks/`);
  const data = staged.filter((k) => !isSummary(k));
  const summaries = staged.filter(isSummary);
  if (data.length) await deps.store.delete(deps.buckets.curated, data);
  if (summaries.length) await deps.store.delete(deps.buckets.curated, summaries);
}

import { dialectOf } from '../contract/dialect.js';
import { recordTexts } from '../csv/fieldBlock.js';
import { readCsvFields } from '../csv/readCsvFields.js';
import { partitioningOf } from '../contract/partitioning.js';
import {
  comparePartitions,
  partitionKeyer,
  partitionOfKey,
  partitionOfMs,
} from '../partition/partitionOf.js';
import { compileRowValidator } from '../validate/compileRowValidator.js';
import { DuplicateKeys } from '../validate/DuplicateKeys.js';
import type { RowIssue } from '../validate/types.js';
import { curatedFields, rejectedFields } from './fields.js';
import { checkPartitionLimit } from './fileLayoutChecks.js';
import { assertSourceId, curatedKey, rejectedKey } from './keys.js';
import { PartitionBuffer, stringHints } from './PartitionBuffer.js';
import { PutQueue } from './PutQueue.js';
import { encodePart } from './encodePart.js';
import type { ChunkSummary, PartitionCount, TransformInput } from './types.js';

/**
 * Default memory budget for buffered rows: bytes the partition buffers have allocated (typed
 * column memory, see `columnStore`), so it bounds the real heap they take.
 */
export const DEFAULT_MEMORY_BUDGET_BYTES = 64 * 1024 * 1024;

const PARQUET_TYPE = 'application/vnd.apache.parquet';

/**
 * Turn one CSV file (or one planned chunk of it) into curated Parquet per partition (date/hour or
 * date, as the contract's partitioning says) and rejected rows with reasons, in one streaming
 * pass. Keys are deterministic, so a replay overwrites the same objects. Every row read is either
 * curated or rejected. Throws `PartitionLimitExceededError` as soon as the chunk's rows reach more
 * partitions than `partitioning.maxPartitionsPerFile`.
 * @example await transform({ contract, source: { key, version, sourceId }, body, sink, executionId, ingestedAt })
 */
export async function transform(input: TransformInput): Promise<ChunkSummary> {
  const { contract, source, sink } = input;
  assertSourceId(source.sourceId);
  const dialect = dialectOf(contract);
  const chunk = input.chunk ?? { index: 0, firstRowNumber: 1, hasHeader: dialect.header };
  const budget = input.memoryBudgetBytes ?? DEFAULT_MEMORY_BUDGET_BYTES;
  const width = contract.columns.length;
  const validator = compileRowValidator(contract);
  const duplicates = new DuplicateKeys(contract);
  const partitioning = partitioningOf(contract);
  const keyOf = partitionKeyer(contract, input.ingestedAt);
  // Rejected rows lie by ingestion time, at the grain of the curated table.
  const ingestPartition = partitionOfMs(input.ingestedAt.getTime(), partitioning.grain);
  const curatedSchema = curatedFields(contract);
  const rejectedSchema = rejectedFields(contract);

  const curatedTypes = contract.columns.map((c) => c.type);
  const curatedHints = stringHints(width);
  /** Curated buffers by grain units since epoch (see `partitionKeyer`): no key object or string per row. */
  const curated = new Map<number, PartitionBuffer>();
  const rejected = new PartitionBuffer(
    ingestPartition,
    rejectedSchema.slice(0, width + 3).map((f) => f.type),
  );
  const files: string[] = [];
  const puts = new PutQueue(sink);
  let held = rejected.bytes;
  let rowsRead = 0;
  let rowsCurated = 0;
  let rowsRejected = 0;

  const audit = {
    sourceKey: source.key,
    sourceVersion: source.version,
    ingestedAtMs: input.ingestedAt.getTime(),
    executionId: input.executionId,
  };

  const flush = async (buffer: PartitionBuffer, isRejected: boolean): Promise<void> => {
    if (buffer.rows === 0) return;
    held -= buffer.bytes;
    const { stores, rowNumbers } = buffer.take();
    held += buffer.bytes; // the emptied buffer's fresh stores
    const body = encodePart(isRejected ? rejectedSchema : curatedSchema, stores, rowNumbers, audit);
    const keyOf = isRejected ? rejectedKey : curatedKey;
    const key = keyOf(
      contract.dataset,
      buffer.partition,
      source.sourceId,
      chunk.index,
      buffer.seq++,
    );
    await puts.add(key, body, PARQUET_TYPE);
    files.push(key);
  };

  /** Over budget: write the partition holding the most bytes (first one on ties: deterministic). */
  const relieve = async (): Promise<void> => {
    while (held > budget) {
      let largest: PartitionBuffer | undefined;
      let most = 0;
      for (const b of [rejected, ...curated.values()]) {
        if (b.rows === 0) continue;
        const bytes = b.bytes;
        if (largest === undefined || bytes > most) [largest, most] = [b, bytes];
      }
      if (largest === undefined) return;
      await flush(largest, largest === rejected);
    }
  };

  const values: unknown[] = new Array(width);
  const spans = new Int32Array(2 * width);
  const rejectedRow: (string | null)[] = new Array(width + 3);

  const blocks = readCsvFields(input.body, {
    delimiter: dialect.delimiter,
    quote: dialect.quote,
    header: chunk.hasHeader,
    expectedHeader: contract.columns.map((c) => c.name),
    firstRowNumber: chunk.firstRowNumber,
  });
  for await (const block of blocks) {
    for (let r = 0; r < block.rows; r++) {
      const rowNumber = block.firstRowNumber + r;
      rowsRead++;
      let issues = validator.check(block, r, values, spans);
      let place: number | null = null;
      if (issues === null || issues[0]!.code !== 'column_count') {
        place = keyOf(values);
        if (place === null && !issues?.some((i) => i.column === partitioning.column)) {
          const name = partitioning.column!;
          (issues ??= []).push({
            code: 'required',
            column: name,
            message: `${name} is required: it gives the partition`,
          });
        }
      }
      const key = issues?.[0]?.code === 'column_count' ? undefined : duplicates.keyOf(values);
      if (key !== undefined) {
        const dup = duplicates.check(key);
        if (dup) (issues ??= []).push(dup);
      }
      if (issues === null && place !== null) {
        let buffer = curated.get(place);
        if (!buffer) {
          buffer = new PartitionBuffer(
            partitionOfKey(place, partitioning.grain),
            curatedTypes,
            curatedHints,
          );
          curated.set(place, buffer);
          // Stop at once: writing hundreds of one-row files first would only make work to undo.
          checkPartitionLimit(contract, curated.size, {
            sourceKey: source.key,
            chunk: chunk.index,
            atLeast: true,
          });
          held += buffer.bytes;
        }
        held += buffer.push(values, rowNumber, block.bytes, spans);
        if (key !== undefined) duplicates.remember(key, rowNumber);
        rowsCurated++;
      } else {
        const list = issues ?? [];
        validator.texts(block, r, rejectedRow);
        rejectedRow[width] = JSON.stringify(recordTexts(block, r));
        rejectedRow[width + 1] = JSON.stringify(list);
        rejectedRow[width + 2] = codesOf(list);
        held += rejected.push(rejectedRow, rowNumber);
        rowsRejected++;
      }
      if (held > budget) await relieve();
    }
  }

  const ordered = [...curated.values()].sort((a, b) => comparePartitions(a.partition, b.partition));
  for (const buffer of ordered) await flush(buffer, false);
  await flush(rejected, true);
  await puts.drain();

  const partitions: PartitionCount[] = ordered.map((b) => ({ ...b.partition, rows: b.totalRows }));
  const rejectedPartitions: PartitionCount[] =
    rowsRejected > 0 ? [{ ...ingestPartition, rows: rowsRejected }] : [];
  return {
    dataset: contract.dataset,
    sourceId: source.sourceId,
    chunk: chunk.index,
    rowsRead,
    rowsCurated,
    rowsRejected,
    partitions,
    rejectedPartitions,
    files: files.sort(),
  };
}

/** Distinct codes, in first-seen order, joined by commas. */
function codesOf(issues: RowIssue[]): string {
  return [...new Set(issues.map((i) => i.code))].join(',');
}

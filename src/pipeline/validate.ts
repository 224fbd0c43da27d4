import { decodeUtf8, planChunks, readCsv } from '../core/csv/index.js';
import { dialectOf } from '../core/contract/dialect.js';
import { contractFor } from './contracts.js';
import type { PipelineDeps } from './deps.js';
import type { SourceRef, ValidateResult } from './types.js';

/** Default chunk size: a Lambda transforms 64 MiB of CSV well within its 15 minutes. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

const HEADER_PROBE_BYTES = 1024 * 1024;

/** Pass bytes through unchanged once they have decoded as strict UTF-8 (`EncodingError` if not). */
async function* strictUtf8(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const pending: Uint8Array[] = [];
  const tap = (async function* () {
    for await (const piece of body) {
      pending.push(piece);
      yield piece;
    }
  })();
  for await (const _text of decodeUtf8(tap)) {
    while (pending.length) yield pending.shift()!;
  }
  while (pending.length) yield pending.shift()!;
}

/**
 * Validate: file-level checks before any row is touched. One streaming pass checks the encoding
 * and plans the chunks, cut only at record boundaries so a quoted newline never splits a row; the
 * header (where the contract has one) is read from the first chunk. Raises `EncodingError` or
 * `HeaderMismatchError` (terminal) for a file that cannot be read as its contract says.
 */
export async function validate(source: SourceRef, deps: PipelineDeps): Promise<ValidateResult> {
  const contract = contractFor(deps, source.dataset);
  const dialect = dialectOf(contract);
  const plan = await planChunks(strictUtf8(await deps.store.get(source.rawBucket, source.rawKey)), {
    targetBytes: deps.chunkBytes ?? DEFAULT_CHUNK_BYTES,
    quote: dialect.quote,
    delimiter: dialect.delimiter,
    header: dialect.header,
  });
  const first = plan.chunks[0];
  if (dialect.header && first) {
    // The header is at the start of chunk 0: a megabyte of it is plenty, not the whole chunk.
    const head = await deps.store.get(source.rawBucket, source.rawKey, {
      start: first.start,
      end: Math.min(first.end, first.start + HEADER_PROBE_BYTES),
    });
    const records = readCsv(head, {
      delimiter: dialect.delimiter,
      quote: dialect.quote,
      header: true,
      expectedHeader: contract.columns.map((c) => c.name),
    });
    await records.next(); // the header is checked as the first block is parsed
    await records.return(undefined);
  }
  deps.logger?.info('validated', {
    dataset: source.dataset,
    rawKey: source.rawKey,
    chunks: plan.chunks.length,
    rows: plan.rows,
  });
  return { chunks: plan.chunks, bytes: plan.bytes, rows: plan.rows };
}

import { planChunks, readCsv } from '../core/csv/index.js';
import { compressionOf, encodingOf, gunzip, peek, toUtf8 } from '../core/csv/encodings.js';
import type { Sniffed } from '../core/csv/encodings.js';
import { dialectOf } from '../core/contract/dialect.js';
import type { ObjectStore } from '../core/ports.js';
import { chunkBody, decodedPartKey, decodedPrefix } from './chunkBody.js';
import { contractFor } from './contracts.js';
import type { PipelineDeps } from './deps.js';
import type { ChunkPlan, SourceRef, ValidateResult } from './types.js';

/** Default chunk size: a Lambda transforms 64 MiB of CSV well within its 15 minutes. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024 * 1024;

const HEADER_PROBE_BYTES = 1024 * 1024;

/**
 * Validate: file-level checks before any row is touched. One streaming pass checks the encoding
 * and plans the chunks, cut only at record boundaries so a quoted newline never splits a row; the
 * header (where the contract has one) is read from the first chunk. Raises `EncodingError` or
 * `HeaderMismatchError` (terminal) for a file that cannot be read as its contract says.
 *
 * What the bytes are decides how the file is chunked. UTF-8 and single-byte files (latin1,
 * windows-1252) are planned in place: their byte ranges are the chunks. A gzip file cannot be
 * split by byte ranges, nor can UTF-16 be cut at a byte search for line feeds, so Validate writes
 * a UTF-8 copy to raw under `_decoded/<raw key>/`, in parts of the chunk size, and plans the chunks
 * on that copy; Transform reads them from there (`chunkBody`). The copy is deterministic, so a
 * retry or a replay rewrites the same bytes.
 */
export async function validate(source: SourceRef, deps: PipelineDeps): Promise<ValidateResult> {
  const contract = contractFor(deps, source.dataset);
  const dialect = dialectOf(contract);
  const targetBytes = deps.chunkBytes ?? DEFAULT_CHUNK_BYTES;
  const raw = await peek(await deps.store.get(source.rawBucket, source.rawKey), 8);
  const compression = compressionOf(raw.head);
  const text = compression ? await peek(gunzip(raw.body), 8) : raw;
  const encoding = encodingOf(text.head, dialect.encoding);
  const inPlace =
    !compression && (encoding === 'utf-8' || encoding === 'latin1' || encoding === 'windows-1252');
  const planOptions = {
    targetBytes,
    quote: dialect.quote,
    delimiter: dialect.delimiter,
    header: dialect.header,
  };
  let chunks: ChunkPlan[];
  let plan: { rows: number; bytes: number };
  if (inPlace) {
    // Single-byte text is planned on its own bytes (quotes and line feeds are ASCII in all three).
    const checked =
      encoding === 'utf-8' ? toUtf8(text.body, 'utf-8') : checkOnly(text.body, encoding);
    const p = await planChunks(passBomThrough(checked, encoding, text.head), planOptions);
    chunks = p.chunks.map((c) =>
      encoding === 'utf-8' ? c : { ...c, encoding: encoding as 'latin1' | 'windows-1252' },
    );
    plan = p;
  } else {
    const prefix = decodedPrefix(source.rawKey);
    const written = writeParts(
      deps.store,
      source.rawBucket,
      prefix,
      targetBytes,
      toUtf8(text.body, encoding),
    );
    const p = await planChunks(written.body, planOptions);
    await written.done();
    chunks = p.chunks.map((c) => ({ ...c, decoded: { prefix, partBytes: targetBytes } }));
    plan = p;
  }
  const first = chunks[0];
  if (dialect.header && first) {
    // The header is at the start of chunk 0: a megabyte of it is plenty, not the whole chunk.
    const head = await chunkBody(deps.store, source, {
      ...first,
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
    chunks: chunks.length,
    rows: plan.rows,
    ...(compression ? { compression } : {}),
    encoding,
  });
  return { chunks, bytes: plan.bytes, rows: plan.rows };
}

/**
 * The raw bytes unchanged, once checked in their single-byte encoding (`EncodingError` if not):
 * every byte is latin1, and windows-1252 leaves five undefined. The plan keeps the raw offsets.
 */
async function* checkOnly(
  body: AsyncIterable<Uint8Array>,
  encoding: Sniffed['encoding'],
): AsyncGenerator<Uint8Array> {
  let offset = 0;
  for await (const piece of body) {
    if (encoding === 'windows-1252') await drain(toUtf8(one(piece), encoding, offset));
    offset += piece.length;
    yield piece;
  }
}

async function* one(piece: Uint8Array): AsyncGenerator<Uint8Array> {
  yield piece;
}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  for await (const _ of body) void _;
}

/**
 * `toUtf8` drops a UTF-8 BOM, which would shift every offset of an in-place plan by three bytes:
 * put it back so offsets stay those of the raw file (readCsv drops it again when reading chunk 0).
 */
async function* passBomThrough(
  body: AsyncIterable<Uint8Array>,
  encoding: Sniffed['encoding'],
  head: Uint8Array,
): AsyncGenerator<Uint8Array> {
  if (encoding === 'utf-8' && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf)
    yield Uint8Array.of(0xef, 0xbb, 0xbf);
  yield* body;
}

/**
 * Pass a stream through while writing it to `<prefix>part-NNNNN` objects of `partBytes` each (one
 * write in flight while the next part fills). `done` waits for the last write.
 */
function writeParts(
  store: ObjectStore,
  bucket: string,
  prefix: string,
  partBytes: number,
  body: AsyncIterable<Uint8Array>,
): { body: AsyncIterable<Uint8Array>; done: () => Promise<void> } {
  let pending: Promise<void> = Promise.resolve();
  let part = 0;
  let buffered: Uint8Array[] = [];
  let size = 0;
  const flush = async (all: boolean) => {
    while (size >= partBytes || (all && size > 0)) {
      const joined = Buffer.concat(buffered);
      const bytes = joined.subarray(0, Math.min(partBytes, joined.length));
      const rest = joined.subarray(bytes.length);
      buffered = rest.length ? [rest] : [];
      size = rest.length;
      await pending;
      pending = store.put(bucket, decodedPartKey(prefix, part++), bytes, 'text/csv; charset=utf-8');
    }
  };
  return {
    body: (async function* () {
      for await (const piece of body) {
        buffered.push(piece);
        size += piece.length;
        await flush(false);
        yield piece;
      }
      await flush(true);
    })(),
    done: async () => {
      await pending;
    },
  };
}

/**
 * The bytes of one planned chunk, always UTF-8: a byte range of the raw file (decoded from its
 * single-byte encoding when it has one), or of Validate's decoded copy, which is split into
 * fixed-size part objects so a range may span two.
 */
import { toUtf8 } from '../core/csv/encodings.js';
import type { ObjectStore } from '../core/ports.js';
import type { ChunkPlan, SourceRef } from './types.js';

/** The key of part `index` of a decoded copy. */
export function decodedPartKey(prefix: string, index: number): string {
  return `${prefix}part-${String(index).padStart(5, '0')}`;
}

/** Where Validate writes the decoded copy of a raw file: `_decoded/<raw key>/`, apart from the raw files. */
export function decodedPrefix(rawKey: string): string {
  return `_decoded/${rawKey}/`;
}

/** Stream `[start, end)` of the chunk's bytes as UTF-8. */
export async function chunkBody(
  store: ObjectStore,
  source: Pick<SourceRef, 'rawBucket' | 'rawKey'>,
  chunk: Pick<ChunkPlan, 'start' | 'end' | 'encoding' | 'decoded'>,
): Promise<AsyncIterable<Uint8Array>> {
  const { start, end, decoded } = chunk;
  if (!decoded) {
    const body = await store.get(source.rawBucket, source.rawKey, { start, end });
    return chunk.encoding ? toUtf8(body, chunk.encoding, start) : body;
  }
  return (async function* () {
    for (let part = Math.floor(start / decoded.partBytes); part * decoded.partBytes < end; part++) {
      const base = part * decoded.partBytes;
      const range = {
        start: Math.max(0, start - base),
        end: Math.min(decoded.partBytes, end - base),
      };
      yield* await store.get(source.rawBucket, decodedPartKey(decoded.prefix, part), range);
    }
  })();
}

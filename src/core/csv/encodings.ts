/**
 * Reading declared encodings and compressed uploads as UTF-8 bytes, strictly: a byte the encoding
 * does not define raises `EncodingError` with its offset (in the decompressed bytes, for a
 * compressed file). Detection is by bytes, never by name: gzip by its magic bytes, a byte-order
 * mark over the declaration (a BOM is the file declaring itself). zstd, bzip2, xz and zip are
 * recognised and refused: Node 20's zlib has no zstd (it came, experimental, in Node 22.15), and
 * the others are archives or rare.
 */
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { EncodingError } from './errors.js';
import { findInvalidUtf8 } from './utf8.js';

/** Encodings a contract may declare. `utf-16` needs a BOM to give the byte order. */
export const CSV_ENCODINGS = [
  'utf-8',
  'latin1',
  'windows-1252',
  'utf-16',
  'utf-16le',
  'utf-16be',
] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

/** What a file's bytes turned out to be. */
export interface Sniffed {
  compression?: 'gzip';
  /** The encoding to read: the BOM's, else the declared one (`utf-16` resolved by the BOM). */
  encoding: Exclude<CsvEncoding, 'utf-16'>;
}

const REFUSED: Array<[string, number[]]> = [
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
];
const startsWith = (b: Uint8Array, magic: number[]) => magic.every((m, i) => b[i] === m);

/** Whether the bytes start as gzip (1f 8b); refuses the compressions we cannot read. */
export function compressionOf(head: Uint8Array): 'gzip' | undefined {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  for (const [name, magic] of REFUSED)
    if (startsWith(head, magic))
      throw new EncodingError(
        `the file is ${name}-compressed (magic bytes at byte offset 0), which the pipeline cannot read; upload it uncompressed or gzip-compressed`,
        { byteOffset: 0, compression: name },
      );
  return undefined;
}

/** The encoding to read text with, from its first bytes (a BOM wins) and the declaration. */
export function encodingOf(head: Uint8Array, declared: CsvEncoding): Sniffed['encoding'] {
  if (startsWith(head, [0xef, 0xbb, 0xbf])) return 'utf-8';
  if (startsWith(head, [0xff, 0xfe])) return 'utf-16le';
  if (startsWith(head, [0xfe, 0xff])) return 'utf-16be';
  if (declared === 'utf-16')
    throw new EncodingError(
      'csv.encoding is utf-16 but the file has no byte-order mark (FF FE or FE FF) at byte offset 0; declare utf-16le or utf-16be',
      { byteOffset: 0 },
    );
  return declared;
}

/** The first `n` bytes of a stream, and the whole stream again (nothing consumed). */
export async function peek(
  body: AsyncIterable<Uint8Array>,
  n: number,
): Promise<{ head: Uint8Array; body: AsyncIterable<Uint8Array> }> {
  const it = body[Symbol.asyncIterator]();
  const taken: Uint8Array[] = [];
  let size = 0;
  let done = false;
  while (size < n) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    taken.push(r.value);
    size += r.value.length;
  }
  const head = Buffer.concat(taken).subarray(0, n);
  return {
    head,
    body: (async function* () {
      yield* taken;
      if (done) return;
      for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
    })(),
  };
}

/** Gunzip a stream; a corrupt or truncated stream is `EncodingError`. */
export async function* gunzip(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
  const z = createGunzip();
  const out = Readable.from(body).pipe(z);
  try {
    for await (const piece of out as AsyncIterable<Buffer>) yield piece;
  } catch (cause) {
    throw new EncodingError(
      `the gzip stream is corrupt or truncated: ${(cause as Error).message}`,
      { byteOffset: z.bytesWritten },
      { cause },
    );
  }
}

/** windows-1252 leaves these five bytes undefined. */
const CP1252_UNDEFINED = new Set([0x81, 0x8d, 0x8f, 0x90, 0x9d]);

/**
 * Text in `encoding` as UTF-8 bytes, a byte-order mark dropped; UTF-8 is checked strictly and
 * passed through. `baseOffset` places error offsets in the whole file.
 */
export async function* toUtf8(
  body: AsyncIterable<Uint8Array>,
  encoding: Sniffed['encoding'],
  baseOffset = 0,
): AsyncGenerator<Uint8Array> {
  let offset = baseOffset;
  let first = true;
  const utf16 = encoding === 'utf-16le' || encoding === 'utf-16be';
  const decoder = utf16 ? new TextDecoder(encoding, { fatal: true, ignoreBOM: false }) : undefined;
  const cp1252 = encoding === 'windows-1252' ? new TextDecoder('windows-1252') : undefined;
  let carry: Uint8Array = new Uint8Array(0); // UTF-8 only: an incomplete sequence at a piece's end
  for await (const raw of body) {
    let piece = raw;
    if (encoding === 'utf-8') {
      piece = carry.length ? Buffer.concat([carry, raw]) : raw;
      const keep = incompleteTail(piece);
      const whole = piece.subarray(0, piece.length - keep);
      // Node's native check first (fast, no allocation); the byte loop only to find the offset.
      if (!isUtf8(whole)) {
        const bad = findInvalidUtf8(piece, false);
        const at = offset - carry.length + (bad >= 0 ? bad : 0);
        throw new EncodingError(`invalid UTF-8 at byte offset ${at}`, { byteOffset: at });
      }
      carry = piece.subarray(piece.length - keep);
      piece = whole;
      offset += raw.length;
      if (first && piece.length >= 3 && piece[0] === 0xef && piece[1] === 0xbb && piece[2] === 0xbf)
        piece = piece.subarray(3);
      first = false;
      if (piece.length) yield piece;
      continue;
    }
    let text: string;
    if (encoding === 'latin1') text = Buffer.from(piece).toString('latin1');
    else if (cp1252) {
      const at = piece.findIndex((b) => CP1252_UNDEFINED.has(b));
      if (at >= 0)
        throw new EncodingError(
          `byte 0x${piece[at]!.toString(16)} at byte offset ${offset + at} is not defined in windows-1252`,
          { byteOffset: offset + at },
        );
      text = cp1252.decode(piece, { stream: true });
    } else {
      try {
        text = decoder!.decode(piece, { stream: true });
      } catch (cause) {
        throw new EncodingError(
          `invalid ${encoding} (an unpaired surrogate) at or after byte offset ${offset}`,
          { byteOffset: offset },
          { cause },
        );
      }
    }
    offset += piece.length;
    if (first && text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    if (text.length) first = false;
    if (text.length) yield Buffer.from(text, 'utf8');
  }
  if (carry.length)
    throw new EncodingError(`invalid UTF-8 at byte offset ${offset - carry.length}`, {
      byteOffset: offset - carry.length,
    });
  if (decoder) {
    let rest: string;
    try {
      rest = decoder.decode();
    } catch (cause) {
      throw new EncodingError(
        `truncated ${encoding} at byte offset ${offset - 1}`,
        { byteOffset: offset - 1 },
        { cause },
      );
    }
    if (rest) yield Buffer.from(rest, 'utf8');
  }
}

/** Bytes at the end of `b` that start a UTF-8 sequence not complete within `b`. */
function incompleteTail(b: Uint8Array): number {
  for (let k = 1; k <= Math.min(3, b.length); k++) {
    const c = b[b.length - k]!;
    if ((c & 0xc0) === 0x80) continue; // continuation byte: look further back
    const need = c >= 0xf0 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
    return need > k ? k : 0;
  }
  return 0;
}

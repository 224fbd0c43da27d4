import { isUtf8 } from 'node:buffer';
import { EncodingError, HeaderMismatchError } from './errors.js';
import type { FieldBlock } from './fieldBlock.js';
import { recordTexts } from './fieldBlock.js';
import type { ReadCsvOptions } from './readCsv.js';
import { findInvalidUtf8 } from './utf8.js';

const LF = 10;
const CR = 13;

/**
 * Stream CSV records out of UTF-8 bytes as field offsets (see `FieldBlock`), reading them as
 * `readCsv` (papaparse) does: RFC 4180 quoted fields with doubled quotes and line breaks inside,
 * a quote opening a quoted field only at a field's start and closing it only before a delimiter
 * or a line break (whitespace may come between) or as the input's last byte, a quoted field never
 * closed running to the end as written, records ended by the file's line break (CRLF when its
 * first record ends so, else LF), blank records skipped and not numbered, a leading byte-order
 * mark dropped, invalid UTF-8 refused with its byte offset.
 *
 * Why not papaparse: it returns a JS string per field and an array per row, which the transform
 * then trims, parses and copies; measured in docs/benchmarks.md (round 5), and checked against
 * papaparse on a randomized corpus (tests/core/csvFields.test.ts).
 */
export async function* readCsvFields(
  body: AsyncIterable<Uint8Array>,
  options: ReadCsvOptions,
): AsyncGenerator<FieldBlock> {
  const reader = new FieldReader(options);
  for await (const piece of body) {
    reader.append(piece);
    if (reader.parse(false)) yield reader.block;
  }
  if (reader.parse(true)) yield reader.block;
}

/** The state of `readCsvFields` between pieces of the body. */
class FieldReader {
  private readonly q: number;
  private readonly d: number;
  private readonly expectedHeader: string[] | undefined;
  private needHeader: boolean;
  private rowNumber: number;
  /** CRLF ends records; undefined until the first record's end is seen. */
  private crlf: boolean | undefined;
  private buf: Uint8Array = new Uint8Array(1 << 16);
  private len = 0;
  /** Start of the bytes not yet parsed into whole records (always a record boundary). */
  private pos = 0;
  /** Absolute offset in the body of `buf[0]`, for error messages. */
  private base = 0;
  /** The byte-order mark is yet to be looked for. */
  private first = true;
  readonly block: FieldBlock = {
    bytes: this.buf,
    rows: 0,
    fieldStart: new Int32Array(1024),
    starts: new Int32Array(8192),
    ends: new Int32Array(8192),
    firstRowNumber: 1,
  };
  private fields = 0;
  /** Fields holding a quote to unescape once their record is known whole (rare). */
  private escaped: number[] = [];

  constructor(options: ReadCsvOptions) {
    this.q = options.quote.charCodeAt(0);
    this.d = options.delimiter.charCodeAt(0);
    this.needHeader = options.header;
    this.expectedHeader = options.expectedHeader;
    this.rowNumber = options.firstRowNumber ?? 1;
  }

  /** Add a piece of the body after the unparsed bytes (the last block is handed over by now). */
  append(piece: Uint8Array): void {
    const src = piece;
    const rest = this.len - this.pos;
    const need = rest + src.length;
    if (need > this.buf.length) {
      let size = this.buf.length * 2;
      while (size < need) size *= 2;
      const next = new Uint8Array(size);
      next.set(this.buf.subarray(this.pos, this.len));
      this.buf = next;
    } else if (this.pos > 0) this.buf.copyWithin(0, this.pos, this.len);
    this.base += this.pos;
    this.pos = 0;
    this.len = rest;
    this.buf.set(src, this.len);
    this.len += src.length;
  }

  /**
   * Parse the whole records now in the buffer into `block`; true when it holds any. With `final`,
   * the bytes after the last line break are a record too.
   */
  parse(final: boolean): boolean {
    if (this.first) {
      if (this.len < 3 && !final) return false;
      this.first = false;
      if (hasBom(this.buf, this.len)) this.pos = 3;
    }
    const { buf, len } = this;
    if (this.crlf === undefined) {
      const lf = firstRecordEnd(buf, this.pos, len, this.q, this.d, final);
      if (lf === -2 || (lf < 0 && !final)) return false;
      this.crlf = lf > this.pos && buf[lf - 1] === CR;
    }
    const block = this.block;
    block.bytes = buf;
    block.rows = 0;
    block.firstRowNumber = this.rowNumber;
    this.fields = 0;
    this.escaped.length = 0;
    const start = this.pos;
    let i = start;
    while (i < len) {
      const next = this.record(i, final);
      if (next < 0) break;
      i = next;
    }
    this.checkUtf8(start, i, final);
    for (const k of this.escaped) unescape(buf, block.starts, block.ends, k, this.q);
    this.pos = i;
    if (this.needHeader && block.rows > 0) this.takeHeader();
    this.rowNumber += block.rows;
    return block.rows > 0;
  }

  /**
   * Parse one record starting at `i`; returns where the next one starts, or -1 when the record
   * is not whole yet (more bytes may change it). A blank record is parsed but not kept.
   */
  private record(i: number, final: boolean): number {
    const { buf, len, q, d } = this;
    const crlf = this.crlf === true;
    const block = this.block;
    const firstField = this.fields;
    const escapedBefore = this.escaped.length;
    for (;;) {
      let start = i;
      let end: number;
      let esc = false;
      let atRecordEnd = false;
      if (i < len && buf[i] === q) {
        // Quoted: jump from quote to quote; only a quote before a delimiter, a line break or the end closes.
        let j = i + 1;
        for (;;) {
          while (j < len && buf[j] !== q) j++;
          if (j + 1 >= len) {
            if (!final) return this.undo(firstField, escapedBefore);
            if (j >= len) {
              // Never closed: papaparse keeps the rest of the input after the opening quote, as written.
              start++;
              end = len;
              esc = false;
            } else {
              // A quote as the input's last byte closes the field.
              start++;
              end = j;
            }
            i = len;
            atRecordEnd = true;
            break;
          }
          if (buf[j + 1] === q) {
            esc = true;
            j += 2;
            continue;
          }
          // Closing only when whitespace (as String.prototype.trim sees it) is all that stands
          // between the quote and a delimiter or the line break.
          let k = j + 1;
          let w = 0;
          for (;;) {
            if (k >= len) break;
            const b = buf[k]!;
            if (b === d || (b === LF && !crlf)) break;
            if (b === CR && crlf && k + 1 < len && buf[k + 1] === LF) break;
            w = spaceWidth(buf, k, len, final);
            if (w <= 0) break;
            k += w;
          }
          if (w < 0 || (k >= len && !final)) return this.undo(firstField, escapedBefore);
          if (k < len) {
            const b = buf[k]!;
            if (b === d) {
              start++;
              end = j;
              i = k + 1;
              break;
            }
            if (b === LF) {
              start++;
              end = j;
              i = k + 1;
              atRecordEnd = true;
              break;
            }
            if (b === CR && crlf && buf[k + 1] === LF) {
              start++;
              end = j;
              i = k + 2;
              atRecordEnd = true;
              break;
            }
          }
          // Anything else, whitespace up to the end included: the quote stays literal.
          esc = true;
          j++;
        }
      } else {
        let j = i;
        for (;;) {
          while (j < len) {
            const b = buf[j]!;
            if (b === d || b === LF) break;
            j++;
          }
          if (j >= len) {
            if (!final) return this.undo(firstField, escapedBefore);
            end = len;
            i = len;
            atRecordEnd = true;
            break;
          }
          if (buf[j] === d) {
            end = j;
            i = j + 1;
            break;
          }
          // A line feed: with CRLF records only one after a CR ends the record.
          if (!crlf) {
            end = j;
            i = j + 1;
            atRecordEnd = true;
            break;
          }
          if (j > i && buf[j - 1] === CR) {
            end = j - 1;
            i = j + 1;
            atRecordEnd = true;
            break;
          }
          j++;
        }
      }
      this.push(start, end);
      if (esc) this.escaped.push(this.fields - 1);
      if (atRecordEnd) break;
    }
    // A record of one empty field is a blank line: skipped, not numbered.
    if (this.fields - firstField === 1 && block.ends[firstField] === block.starts[firstField]) {
      this.undo(firstField, escapedBefore);
      return i;
    }
    const r = block.rows++;
    if (r + 2 > block.fieldStart.length) block.fieldStart = grow(block.fieldStart, r + 2);
    block.fieldStart[r] = firstField;
    block.fieldStart[r + 1] = this.fields;
    return i;
  }

  private push(start: number, end: number): void {
    const block = this.block;
    const k = this.fields++;
    if (k >= block.starts.length) {
      block.starts = grow(block.starts, k + 1);
      block.ends = grow(block.ends, k + 1);
    }
    block.starts[k] = start;
    block.ends[k] = end;
  }

  /** Forget the fields of a record not kept; returns -1 (the record is not whole yet). */
  private undo(firstField: number, escapedBefore: number): number {
    this.fields = firstField;
    this.escaped.length = escapedBefore;
    return -1;
  }

  /** Refuse invalid UTF-8 in the records just parsed (they end on a line break or the end). */
  private checkUtf8(from: number, to: number, final: boolean): void {
    if (to <= from || isUtf8(this.buf.subarray(from, to))) return;
    const at = findInvalidUtf8(this.buf.subarray(from, to), final || to < this.len);
    const offset = this.base + from + Math.max(0, at);
    throw new EncodingError(`invalid UTF-8 at byte offset ${offset}`, { byteOffset: offset });
  }

  /** Check the first record against the expected header and drop it from the block. */
  private takeHeader(): void {
    const block = this.block;
    this.needHeader = false;
    checkHeader(recordTexts(block, 0), this.expectedHeader);
    block.rows--;
    block.fieldStart = block.fieldStart.subarray(1) as Int32Array;
  }
}

function hasBom(buf: Uint8Array, len: number): boolean {
  return len >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf;
}

/**
 * Index of the first line feed outside quotes from `from` (a record start), -1 when there is none
 * yet, or -2 when more bytes are needed to tell. Quotes are read as papaparse reads them with LF
 * records: one opens a quoted field only at a field's start and closes it only when whitespace is
 * all that stands between it and a delimiter or a line feed (readCsv's `firstRecordEnd` on text).
 */
function firstRecordEnd(
  buf: Uint8Array,
  from: number,
  len: number,
  q: number,
  d: number,
  final: boolean,
): number {
  let fieldStart = true;
  let i = from;
  while (i < len) {
    const b = buf[i]!;
    if (b === LF) return i;
    if (!(b === q && fieldStart)) {
      fieldStart = b === d;
      i++;
      continue;
    }
    // A quoted field: find its closing quote.
    let j = i + 1;
    for (;;) {
      while (j < len && buf[j] !== q) j++;
      if (j >= len) return final ? -1 : -2;
      if (j + 1 < len && buf[j + 1] === q) {
        j += 2;
        continue;
      }
      let k = j + 1;
      let w = 1;
      while (k < len && buf[k] !== d && buf[k] !== LF && (w = spaceWidth(buf, k, len, final)) > 0)
        k += w;
      if (w < 0 || (k >= len && !final)) return -2;
      if (k < len && (buf[k] === d || buf[k] === LF)) break;
      j++;
    }
    i = j + 1;
    fieldStart = false;
  }
  return -1;
}

/**
 * Width of the whitespace character at `k` as `String.prototype.trim` sees it (ASCII 9-13 and
 * space, U+00A0, U+1680, U+2000-U+200A, U+2028, U+2029, U+202F, U+205F, U+3000, U+FEFF), 0 when
 * it is not whitespace, -1 when its bytes are cut off by the end of the buffer (and not `final`).
 */
function spaceWidth(buf: Uint8Array, k: number, len: number, final: boolean): number {
  const b = buf[k]!;
  if (b === 32 || (b >= 9 && b <= 13)) return 1;
  if (b < 0xc2) return 0;
  const need = b === 0xc2 ? 2 : b === 0xe1 || b === 0xe2 || b === 0xe3 || b === 0xef ? 3 : 0;
  if (need === 0) return 0;
  if (k + need > len) return final ? 0 : -1;
  const c1 = buf[k + 1]!;
  if (need === 2) return c1 === 0xa0 ? 2 : 0;
  const c2 = buf[k + 2]!;
  if (b === 0xe1) return c1 === 0x9a && c2 === 0x80 ? 3 : 0;
  if (b === 0xe3) return c1 === 0x80 && c2 === 0x80 ? 3 : 0;
  if (b === 0xef) return c1 === 0xbb && c2 === 0xbf ? 3 : 0;
  if (c1 === 0x80)
    return c2 <= 0x8a && c2 >= 0x80 ? 3 : c2 === 0xa8 || c2 === 0xa9 || c2 === 0xaf ? 3 : 0;
  return c1 === 0x81 && c2 === 0x9f ? 3 : 0;
}

/** Turn each doubled quote of field `k` into one, in place, and move its end. */
function unescape(
  buf: Uint8Array,
  starts: Int32Array,
  ends: Int32Array,
  k: number,
  q: number,
): void {
  const end = ends[k]!;
  let w = starts[k]!;
  for (let r = w; r < end; r++) {
    const b = buf[r]!;
    buf[w++] = b;
    if (b === q && r + 1 < end && buf[r + 1] === q) r++;
  }
  ends[k] = w;
}

function grow(a: Int32Array, need: number): Int32Array {
  let n = a.length * 2;
  while (n < need) n *= 2;
  const next = new Int32Array(n);
  next.set(a);
  return next;
}

/** Throw `HeaderMismatchError` unless the header names the expected columns in order. */
export function checkHeader(found: string[], expected: string[] | undefined): void {
  if (!expected) return;
  const norm = (s: string) => s.trim().toLowerCase();
  const same =
    found.length === expected.length && found.every((f, i) => norm(f) === norm(expected[i]!));
  if (!same) {
    throw new HeaderMismatchError(
      `header mismatch: expected [${expected.join(', ')}], found [${found.map((f) => f.trim()).join(', ')}]`,
      { expected, found },
    );
  }
}

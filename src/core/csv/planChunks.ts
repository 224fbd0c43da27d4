/** Options of `planChunks`. */
export interface PlanChunksOptions {
  /** A chunk closes at the first record boundary at or after this many bytes. */
  targetBytes: number;
  /** Default `"`. */
  quote?: string;
  /** Default `,` (needed to know where a field, and so a quoted field, may start). */
  delimiter?: string;
  /** The first record is a header (it belongs to chunk 0 and is not counted as a row). */
  header: boolean;
}

/** A byte range of the file that starts and ends on record boundaries. */
export interface ChunkPlan {
  index: number;
  /** First byte (inclusive). */
  start: number;
  /** Last byte (exclusive). */
  end: number;
  /** Row number of the chunk's first data record (1-based, header excluded). */
  firstRowNumber: number;
}

/** The plan of a whole file: its chunks, data records and bytes. */
export interface ChunksPlan {
  chunks: ChunkPlan[];
  rows: number;
  bytes: number;
}

/**
 * Split a CSV byte stream into chunks of about `targetBytes`, cutting only at a line feed outside
 * quotes, so a quoted field with line breaks never straddles two chunks. Quote rules and blank
 * record skipping match `readCsv`, so the row numbers agree with a whole-file read.
 */
export async function planChunks(
  body: AsyncIterable<Uint8Array>,
  options: PlanChunksOptions,
): Promise<ChunksPlan> {
  const q = (options.quote ?? '"').charCodeAt(0);
  const d = (options.delimiter ?? ',').charCodeAt(0);
  const target = Math.max(1, options.targetBytes);
  const chunks: ChunkPlan[] = [];
  let chunkStart = 0;
  let chunkFirstRow = 1;
  let rows = 0;
  let headerPending = options.header;
  let offset = 0;
  let inQuotes = false;
  let quoteAtEnd = false; // a quote inside a quoted field was the last byte seen: decide on the next
  let spacesAfterQuote = false; // …followed by white space up to the piece's end
  let atFieldStart = true;
  let recordStart = 0;
  let recordQuotes = 0; // leading quote bytes of the record (a record of only `""` is blank)
  let recordOther = false; // the record holds a byte other than leading quotes and CR

  const endRecord = (lfAt: number): void => {
    const blank = !recordOther && (recordQuotes === 0 || recordQuotes === 2);
    if (!blank) {
      if (headerPending) headerPending = false;
      else rows++;
    }
    recordStart = lfAt + 1;
    recordQuotes = 0;
    recordOther = false;
    if (recordStart - chunkStart >= target) {
      chunks.push({
        index: chunks.length,
        start: chunkStart,
        end: recordStart,
        firstRowNumber: chunkFirstRow,
      });
      chunkStart = recordStart;
      chunkFirstRow = rows + 1;
    }
  };

  let first = true;
  for await (const piece of body) {
    let i = 0;
    if (first && piece.length > 0) {
      first = false;
      if (piece[0] === 0xef && piece[1] === 0xbb && piece[2] === 0xbf) i = 3; // BOM
      recordStart = i;
    }
    const n = piece.length;
    if (quoteAtEnd && n > 0) {
      // The last piece ended on a quote inside a quoted field, or on it and white space after.
      if (!spacesAfterQuote && piece[0] === q) {
        quoteAtEnd = false;
        i = Math.max(i, 1);
        recordOther = true;
      } else {
        const closes = closesQuote(piece, 0, d);
        if (closes !== undefined) {
          quoteAtEnd = false;
          spacesAfterQuote = false;
          if (closes) inQuotes = false;
        } else {
          spacesAfterQuote = true; // a piece of white space only: still undecided
          recordOther = true;
          offset += n;
          continue;
        }
      }
    }
    // Jump with indexOf between the bytes that matter (quotes and line feeds).
    let nextQuote = n > i ? piece.indexOf(q, i) : -1;
    while (i < n) {
      if (nextQuote >= 0 && nextQuote < i) nextQuote = piece.indexOf(q, i);
      if (inQuotes) {
        if (nextQuote < 0) {
          recordOther = true;
          break;
        }
        if (nextQuote > i) recordOther = true;
        const at = nextQuote;
        if (recordQuotes === 1 && !recordOther) recordQuotes = 2;
        if (at + 1 >= n) {
          quoteAtEnd = true;
          break;
        }
        if (piece[at + 1] === q) {
          i = at + 2;
          recordOther = true;
          continue;
        }
        const closes = closesQuote(piece, at + 1, d);
        if (closes === undefined) {
          quoteAtEnd = true; // white space up to the piece's end: the next piece decides
          spacesAfterQuote = true;
          recordOther = true;
          break;
        }
        if (closes) inQuotes = false;
        else recordOther = true;
        i = at + 1;
        continue;
      }
      const lf = piece.indexOf(10, i);
      if (lf >= 0 && (nextQuote < 0 || lf < nextQuote)) {
        if (lf > i && (lf - i > 1 || piece[i] !== 13)) recordOther = true;
        endRecord(offset + lf);
        atFieldStart = true;
        i = lf + 1;
        continue;
      }
      if (nextQuote < 0) {
        if (n - i > 1 || piece[i] !== 13) recordOther = true;
        atFieldStart = piece[n - 1] === d;
        break;
      }
      const at = nextQuote;
      if (at > i) {
        recordOther = true;
        atFieldStart = piece[at - 1] === d;
      }
      if (atFieldStart) {
        inQuotes = true;
        if (!recordOther && recordQuotes === 0) recordQuotes = 1;
        else recordOther = true;
      } else recordOther = true;
      atFieldStart = false;
      i = at + 1;
    }
    offset += n;
  }
  // The last record may end without a line feed.
  if (offset > recordStart) {
    const blank = !recordOther && (recordQuotes === 0 || recordQuotes === 2);
    if (!blank) {
      if (headerPending) headerPending = false;
      else rows++;
    }
  }
  if (offset > chunkStart || chunks.length === 0) {
    chunks.push({
      index: chunks.length,
      start: chunkStart,
      end: offset,
      firstRowNumber: chunkFirstRow,
    });
  }
  return { chunks, rows, bytes: offset };
}

/**
 * Whether a quote inside a quoted field, followed by `piece[from …]`, closes the field: it does
 * when spaces or tabs, if any, lead to a delimiter or a line break (as papaparse reads it, and so
 * the readers). Undefined when the piece ends before that is known.
 */
function closesQuote(piece: Uint8Array, from: number, d: number): boolean | undefined {
  let j = from;
  while (j < piece.length && (piece[j] === 32 || piece[j] === 9)) j++;
  if (j >= piece.length) return undefined;
  const b = piece[j];
  return b === d || b === 10 || b === 13;
}

import Papa from 'papaparse';
import { decodeUtf8 } from './utf8.js';
import { checkHeader } from './readCsvFields.js';
import { RecordScanner, firstRecordEnd } from './RecordScanner.js';

/** How to read one CSV body (a whole file or one chunk of it). */
export interface ReadCsvOptions {
  delimiter: string;
  quote: string;
  /** The body starts with a header record (checked against `expectedHeader`, not returned). */
  header: boolean;
  /** Column names the header must carry, in order (compared trimmed, case-insensitive). */
  expectedHeader?: string[];
  /** Row number of the first data record (1-based, header excluded). Default 1. */
  firstRowNumber?: number;
  /** Characters buffered before a block is parsed. Default 256 Ki. */
  blockChars?: number;
}

/** A run of consecutive data records. */
export interface CsvBatch {
  /** Raw (untrimmed) fields of each record. */
  rows: string[][];
  /** Row number of `rows[0]`. */
  firstRowNumber: number;
}

/**
 * Stream CSV records out of UTF-8 bytes (RFC 4180: quoted fields, doubled quotes, line breaks
 * inside quotes, CRLF or LF). We cut the text at record boundaries ourselves and let papaparse
 * split each block into fields. Blank records are skipped and not numbered.
 */
export async function* readCsv(
  body: AsyncIterable<Uint8Array>,
  options: ReadCsvOptions,
): AsyncGenerator<CsvBatch> {
  const blockChars = options.blockChars ?? 262_144;
  let scanner: RecordScanner | undefined;
  let rowNumber = options.firstRowNumber ?? 1;
  let needHeader = options.header;
  let newline: '\n' | '\r\n' | undefined;
  let pending = '';
  let scanned = 0;

  /** The file's line break once its first record end is in `text` (or `final`). */
  const detectNewline = (text: string, final: boolean): '\n' | '\r\n' | undefined => {
    const lf = firstRecordEnd(text, options.quote, options.delimiter, final);
    if (lf === -2 || (lf < 0 && !final)) return undefined;
    return lf > 0 && text.charCodeAt(lf - 1) === 13 ? '\r\n' : '\n';
  };

  // Blocks are cut after a line feed outside quotes; papaparse's trailing empty record is blank.
  const parseBlock = (raw: string): CsvBatch | undefined => {
    newline ??= detectNewline(raw, true);
    const parsed = Papa.parse<string[]>(raw, {
      delimiter: options.delimiter,
      quoteChar: options.quote,
      escapeChar: options.quote,
      newline,
      header: false,
      dynamicTyping: false,
      skipEmptyLines: false,
    });
    const rows: string[][] = [];
    for (const row of parsed.data) {
      if (row.length === 1 && row[0] === '') continue; // blank record
      if (needHeader) {
        needHeader = false;
        checkHeader(row, options.expectedHeader);
        continue;
      }
      rows.push(row);
    }
    if (rows.length === 0) return undefined;
    const batch = { rows, firstRowNumber: rowNumber };
    rowNumber += rows.length;
    return batch;
  };

  for await (const text of decodeUtf8(body)) {
    pending = pending.length === 0 ? text : pending + text;
    if (pending.length < blockChars) continue;
    newline ??= detectNewline(pending, false);
    if (newline === undefined) continue; // no record end yet, so no boundary either
    scanner ??= new RecordScanner(options.quote, options.delimiter, newline);
    const { boundary, next } = scanner.scanString(pending, scanned);
    scanned = next;
    if (boundary <= 0) continue;
    const batch = parseBlock(pending.slice(0, boundary));
    pending = pending.slice(boundary);
    scanned -= boundary;
    if (batch) yield batch;
  }
  if (pending.length > 0) {
    const batch = parseBlock(pending);
    if (batch) yield batch;
  }
}

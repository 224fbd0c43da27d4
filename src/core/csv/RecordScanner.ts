/**
 * Finds record boundaries (the end of a record outside quotes) in text that arrives in pieces,
 * reading quotes the way papaparse does: a quote opens a quoted field only at the start of a
 * field, and inside one a quote closes it only when whitespace (as `String.prototype.trim` sees
 * it) is all that stands between it and the delimiter or the line break.
 */
export class RecordScanner {
  private inQuotes = false;
  private readonly q: number;
  private readonly d: number;
  private readonly crlf: boolean;

  /** `newline` is the file's line break (see `firstRecordEnd`). */
  constructor(quote: string, delimiter: string, newline: '\n' | '\r\n' = '\n') {
    this.q = quote.charCodeAt(0);
    this.d = delimiter.charCodeAt(0);
    this.crlf = newline === '\r\n';
  }

  /**
   * Scan `text` (which starts on a record boundary and grows between calls) from `from`; returns `{ boundary, next }`: the index just after the last record
   * boundary found (or -1) and where the next scan must resume (before a quote that needs one
   * more character of look-ahead).
   */
  scanString(text: string, from: number): { boundary: number; next: number } {
    const n = text.length;
    const { q, d } = this;
    const quote = String.fromCharCode(q);
    let boundary = -1;
    let inQuotes = this.inQuotes;
    let regionStart = from; // start of the current stretch outside quotes
    let i = from;
    // Jump from quote to quote: only they change state; line feeds between them are boundaries.
    while (i < n) {
      if (inQuotes) {
        const at = text.indexOf(quote, i);
        if (at < 0) {
          i = n;
          break;
        }
        if (at + 1 >= n) {
          i = at; // need the next character to decide
          break;
        }
        if (text.charCodeAt(at + 1) === q) {
          i = at + 2;
          continue;
        }
        const close = closes(text, at + 1, d, this.crlf);
        if (close < 0) {
          i = at; // need more text to decide
          break;
        }
        if (close > 0) {
          inQuotes = false;
          regionStart = at + 1;
        } // else a stray quote inside a quoted field stays literal
        i = at + 1;
        continue;
      }
      const at = text.indexOf(quote, i);
      if (at < 0) {
        i = n;
        break;
      }
      // Text handed in starts on a record boundary, so index 0 is a field start.
      const prev = at === 0 ? 10 : text.charCodeAt(at - 1);
      // With CRLF records a bare line feed does not start a field.
      if (prev === d || (prev === 10 && (!this.crlf || at < 2 || text.charCodeAt(at - 2) === 13))) {
        const lf = this.lastRecordEnd(text, at - 1);
        if (lf >= regionStart) boundary = lf + 1;
        inQuotes = true;
      }
      i = at + 1;
    }
    if (!inQuotes) {
      const lf = this.lastRecordEnd(text, n - 1);
      if (lf >= regionStart) boundary = lf + 1;
    }
    this.inQuotes = inQuotes;
    return { boundary, next: i };
  }

  /** Index of the last line feed at or before `to` that ends a record (after a CR with CRLF records), or -1. */
  private lastRecordEnd(text: string, to: number): number {
    if (!this.crlf) return text.lastIndexOf('\n', to);
    const cr = to < 1 ? -1 : text.lastIndexOf('\r\n', to - 1);
    return cr < 0 ? -1 : cr + 1;
  }
}

/**
 * Whether a quote just before `k` closes a quoted field: 1 when only whitespace stands between it
 * and the delimiter or the line break, 0 when something else does (or the text ends: papaparse
 * keeps a quote followed by whitespace up to the end), -1 when the text may still grow to tell.
 */
function closes(text: string, k: number, d: number, crlf: boolean, final = false): number {
  const n = text.length;
  for (; k < n; k++) {
    const c = text.charCodeAt(k);
    if (c === d || (c === 10 && !crlf)) return 1;
    if (c === 13 && crlf) {
      if (k + 1 >= n) return final ? 0 : -1;
      if (text.charCodeAt(k + 1) === 10) return 1;
    }
    if (!isSpace(c)) return 0;
  }
  return final ? 0 : -1;
}

/** The characters `String.prototype.trim` removes (a UTF-16 code unit). */
function isSpace(c: number): boolean {
  if (c === 32 || (c >= 9 && c <= 13)) return true;
  if (c < 0xa0) return false;
  return (
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

/**
 * Index of the first line feed outside quotes in `text` (which starts on a record boundary), or
 * -1 when there is none, quotes read as papaparse reads them with LF records. A file's line break
 * is CRLF when this line feed follows a CR, else LF (readCsvFields decides the same on bytes).
 * With `final` unset, -2 when the text may still grow to tell.
 */
export function firstRecordEnd(
  text: string,
  quote: string,
  delimiter: string,
  final: boolean,
): number {
  const q = quote.charCodeAt(0);
  const d = delimiter.charCodeAt(0);
  const n = text.length;
  let fieldStart = true;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 10) return i;
    if (!(c === q && fieldStart)) {
      fieldStart = c === d;
      i++;
      continue;
    }
    let j = i + 1;
    for (;;) {
      j = text.indexOf(quote, j);
      if (j < 0) return final ? -1 : -2;
      if (text.charCodeAt(j + 1) === q) {
        j += 2;
        continue;
      }
      const close = closes(text, j + 1, d, false, final);
      if (close < 0) return -2;
      if (close > 0) break;
      j++;
    }
    i = j + 1;
    fieldStart = false;
  }
  return final ? -1 : -2;
}

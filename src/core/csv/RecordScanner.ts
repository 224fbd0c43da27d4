/**
 * Finds record boundaries (a line feed outside quotes) in text that arrives in pieces, reading
 * quotes the way papaparse does: a quote opens a quoted field only at the start of a field, and
 * inside one a quote closes it only when followed by the delimiter, a line break or the end.
 * Works on UTF-16 code units (strings) or bytes: quote, delimiter, CR and LF are all ASCII.
 */
export class RecordScanner {
  private inQuotes = false;
  private readonly q: number;
  private readonly d: number;

  constructor(quote: string, delimiter: string) {
    this.q = quote.charCodeAt(0);
    this.d = delimiter.charCodeAt(0);
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
        const nx = text.charCodeAt(at + 1);
        if (nx === q) i = at + 2;
        else if (nx === d || nx === 10 || nx === 13) {
          inQuotes = false;
          regionStart = at + 1;
          i = at + 1;
        } else i = at + 1; // a stray quote inside a quoted field stays literal
        continue;
      }
      const at = text.indexOf(quote, i);
      if (at < 0) {
        i = n;
        break;
      }
      // Text handed in starts on a record boundary, so index 0 is a field start.
      const prev = at === 0 ? 10 : text.charCodeAt(at - 1);
      if (prev === d || prev === 10) {
        const lf = text.lastIndexOf('\n', at - 1);
        if (lf >= regionStart) boundary = lf + 1;
        inQuotes = true;
      }
      i = at + 1;
    }
    if (!inQuotes) {
      const lf = text.lastIndexOf('\n', n - 1);
      if (lf >= regionStart) boundary = lf + 1;
    }
    this.inQuotes = inQuotes;
    return { boundary, next: i };
  }
}

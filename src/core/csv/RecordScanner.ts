/**
 * Finds record boundaries (a line feed outside quotes) in text that arrives in pieces, reading
 * quotes the way papaparse does: a quote opens a quoted field only at the start of a field, and
 * inside one a quote closes it only when followed by the delimiter, a line break or the end.
 * Works on UTF-16 code units (strings) or bytes: quote, delimiter, CR and LF are all ASCII.
 */
export class RecordScanner {
  private inQuotes = false;
  private atFieldStart = true;
  private readonly q: number;
  private readonly d: number;

  constructor(quote: string, delimiter: string) {
    this.q = quote.charCodeAt(0);
    this.d = delimiter.charCodeAt(0);
  }

  /**
   * Scan `text` from `from`; returns `{ boundary, next }`: the index just after the last record
   * boundary found (or -1) and where the next scan must resume (before a quote that needs one
   * more character of look-ahead).
   */
  scanString(text: string, from: number): { boundary: number; next: number } {
    const n = text.length;
    const { q, d } = this;
    let boundary = -1;
    // Fast path: no quote ahead, so only line feeds matter.
    if (!this.inQuotes && text.indexOf(String.fromCharCode(q), from) < 0) {
      const lf = text.lastIndexOf('\n');
      if (lf >= from) boundary = lf + 1;
      if (n > from) {
        const last = text.charCodeAt(n - 1);
        this.atFieldStart = last === 10 || last === d;
      }
      return { boundary, next: n };
    }
    let inQuotes = this.inQuotes;
    let atFieldStart = this.atFieldStart;
    let i = from;
    for (; i < n; i++) {
      const c = text.charCodeAt(i);
      if (inQuotes) {
        if (c !== q) continue;
        if (i + 1 >= n) break; // need the next character to decide
        const nx = text.charCodeAt(i + 1);
        if (nx === q) i++;
        else if (nx === d || nx === 10 || nx === 13) inQuotes = false;
        continue;
      }
      if (c === 10) {
        boundary = i + 1;
        atFieldStart = true;
      } else if (c === d) atFieldStart = true;
      else if (c === q && atFieldStart) {
        inQuotes = true;
        atFieldStart = false;
      } else atFieldStart = false;
    }
    this.inQuotes = inQuotes;
    this.atFieldStart = atFieldStart;
    return { boundary, next: i };
  }
}

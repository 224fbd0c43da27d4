import { parse, format } from 'date-fns';
import { daysFromCivil, daysInMonth, MS_PER_DAY } from './isoTime.js';

// A fixed local reference: date-fns fills missing fields from it; we read them back as UTC.
const REFERENCE = new Date(2000, 0, 1, 0, 0, 0, 0);

/** True when the pattern carries its own zone (X, x, O tokens), so the instant is absolute. */
function hasZone(pattern: string): boolean {
  return /[XxO]/.test(pattern.replace(/'[^']*'/g, ''));
}

/** Throws a RangeError when `pattern` is not a usable date-fns pattern. */
export function checkPattern(pattern: string): void {
  format(new Date(0), pattern);
}

/**
 * Compile a date-fns pattern into a parser returning ms since epoch (UTC), or NaN. A pattern
 * without a zone is read as UTC wall time whatever the process time zone is.
 */
export function compilePatternTimestamp(pattern: string): (text: string) => number {
  const zoned = hasZone(pattern);
  const fast = compileFixedWidth(pattern);
  return (text) => {
    if (fast) {
      const v = fast(text);
      if (v === v) return v; // else date-fns decides (it may accept what the fast path does not)
    }
    const d = parse(text, pattern, REFERENCE);
    const t = d.getTime();
    if (Number.isNaN(t)) return NaN;
    if (zoned) return t;
    const y = d.getFullYear();
    if (y < 1 || y > 9999) return NaN;
    const utc = new Date(0);
    utc.setUTCFullYear(y, d.getMonth(), d.getDate());
    utc.setUTCHours(d.getHours(), d.getMinutes(), d.getSeconds(), d.getMilliseconds());
    return utc.getTime();
  };
}

/** Compile a date-fns pattern into a parser returning days since epoch, or NaN. */
export function compilePatternDate(pattern: string): (text: string) => number {
  const ts = compilePatternTimestamp(pattern);
  return (text) => {
    const t = ts(text);
    return Number.isNaN(t) ? NaN : Math.floor(t / MS_PER_DAY);
  };
}

/** The fixed-width numeric fields a fast parser reads: token, then its position in the fields. */
const FIELDS: Record<string, number> = { yyyy: 0, MM: 1, dd: 2, HH: 3, mm: 4, ss: 5, SSS: 6 };

/**
 * A parser for patterns made only of `yyyy MM dd HH mm ss SSS` and punctuation (the usual
 * `dd/MM/yyyy HH:mm`), reading exactly that many digits: date-fns' `parse` costs microseconds a
 * value, which a file of such timestamps pays per row. It answers NaN whenever it is not sure
 * (other widths, an invalid date), and the caller then asks date-fns, so it never accepts what
 * date-fns refuses (tests/core/bytePaths.test.ts holds it to date-fns). Undefined for other
 * patterns.
 */
function compileFixedWidth(pattern: string): ((text: string) => number) | undefined {
  const parts: { at: number; width: number; field: number }[] = [];
  const literals: { at: number; code: number }[] = [];
  let at = 0;
  for (let i = 0; i < pattern.length;) {
    const token = ['yyyy', 'SSS', 'MM', 'dd', 'HH', 'mm', 'ss'].find((t) =>
      pattern.startsWith(t, i),
    );
    if (token) {
      if (pattern[i + token.length] === token[0]) return undefined; // a longer run: not ours
      parts.push({ at, width: token.length, field: FIELDS[token]! });
      at += token.length;
      i += token.length;
      continue;
    }
    const c = pattern.charCodeAt(i);
    if ((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 39) return undefined; // other tokens, quotes
    literals.push({ at: at++, code: c });
    i++;
  }
  const length = at;
  const has = (field: number) => parts.some((p) => p.field === field);
  if (!has(0) || !has(1) || !has(2)) return undefined;
  const v = [0, 0, 0, 0, 0, 0, 0]; // fields the pattern lacks stay 0
  return (text) => {
    if (text.length !== length) return NaN;
    for (const l of literals) if (text.charCodeAt(l.at) !== l.code) return NaN;
    for (const p of parts) {
      let n = 0;
      for (let k = p.at; k < p.at + p.width; k++) {
        const d = text.charCodeAt(k) - 48;
        if (d < 0 || d > 9) return NaN;
        n = n * 10 + d;
      }
      v[p.field] = n;
    }
    const [y, m, d, hh, mi, ss, ms] = v as [number, number, number, number, number, number, number];
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
    if (hh > 23 || mi > 59 || ss > 59) return NaN;
    return daysFromCivil(y, m, d) * MS_PER_DAY + ((hh * 60 + mi) * 60 + ss) * 1000 + ms;
  };
}

import { parse, format } from 'date-fns';
import { MS_PER_DAY } from './isoTime.js';

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
  return (text) => {
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

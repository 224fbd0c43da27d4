/**
 * Hand-written ISO-8601 parsers: the hot path of every timestamp column, so no regex and no
 * date-fns here. Results are UTC: days since 1970-01-01 for dates, ms since epoch for timestamps.
 */

const MS_PER_DAY = 86_400_000;

/** Value of the digit at `b[i]`, or -1 (also past the end: the scratch is zero-filled there). */
function digit(b: Uint8Array, i: number): number {
  const c = b[i]! - 48;
  return c >= 0 && c <= 9 ? c : -1;
}

/** Value of `n` digits starting at `i`, or -1 when any is not a digit. */
function digits(b: Uint8Array, i: number, n: number): number {
  let v = 0;
  for (let k = 0; k < n; k++) {
    const d = digit(b, i + k);
    if (d < 0) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** Days in a month of the proleptic Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since epoch of `YYYY-MM-DD` at `b[s … s + 10)`, or NaN. Years 0001–9999 only. */
function dateAt(b: Uint8Array, s: number): number {
  if (b[s + 4] !== 45 || b[s + 7] !== 45) return NaN;
  const y = digits(b, s, 4);
  const m = digits(b, s + 5, 2);
  const d = digits(b, s + 8, 2);
  if (y < 1 || m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return NaN;
  return daysFromCivil(y, m, d);
}

/**
 * Days since 1970-01-01 of a proleptic Gregorian date, in integer arithmetic (H. Hinnant's
 * `days_from_civil`): the same as `Date.UTC(...) / MS_PER_DAY` for every year, without a call
 * into the runtime's date code for each of a file's timestamps.
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/** `YYYY-MM-DD` in UTF-8 `b[s … e)` as days since epoch, or NaN. */
export function parseIsoDateBytes(b: Uint8Array, s: number, e: number): number {
  return e - s === 10 ? dateAt(b, s) : NaN;
}

/**
 * An ISO-8601 timestamp in UTF-8 `b[s … e)` as ms since epoch (UTC), or NaN. Accepts
 * `YYYY-MM-DD`, then optionally `T` or a space, `HH:mm`, `:ss`, `.fraction` (ms kept, finer
 * digits dropped) and a zone `Z`, `±HH`, `±HHMM` or `±HH:MM`. Without a zone the time is UTC.
 */
export function parseIsoTimestampBytes(b: Uint8Array, s: number, e: number): number {
  const n = e - s;
  if (n < 10) return NaN;
  const days = dateAt(b, s);
  if (Number.isNaN(days)) return NaN;
  if (n === 10) return days * MS_PER_DAY;
  const sep = b[s + 10];
  if (sep !== 84 && sep !== 116 && sep !== 32) return NaN; // T t space
  if (n < 16 || b[s + 13] !== 58) return NaN;
  const hh = digits(b, s + 11, 2);
  const mi = digits(b, s + 14, 2);
  if (hh < 0 || hh > 23 || mi < 0 || mi > 59) return NaN;
  let i = s + 16;
  let ss = 0;
  let ms = 0;
  if (i < e && b[i] === 58) {
    if (i + 3 > e) return NaN;
    ss = digits(b, i + 1, 2);
    if (ss < 0 || ss > 59) return NaN;
    i += 3;
    if (i < e && (b[i] === 46 || b[i] === 44)) {
      i++;
      const start = i;
      while (i < e && digit(b, i) >= 0) {
        if (i - start < 3) ms = ms * 10 + digit(b, i);
        i++;
      }
      const len = i - start;
      if (len === 0) return NaN;
      if (len === 1) ms *= 100;
      else if (len === 2) ms *= 10;
    }
  }
  let offsetMin = 0;
  if (i < e) {
    const z = b[i];
    if (z === 90 || z === 122) {
      i++;
    } else if (z === 43 || z === 45) {
      if (i + 3 > e) return NaN;
      const oh = digits(b, i + 1, 2);
      if (oh < 0 || oh > 23) return NaN;
      i += 3;
      let om = 0;
      if (i < e) {
        if (b[i] === 58) i++;
        if (i + 2 > e) return NaN;
        om = digits(b, i, 2);
        if (om < 0 || om > 59) return NaN;
        i += 2;
      }
      offsetMin = (oh * 60 + om) * (z === 45 ? -1 : 1);
    } else {
      return NaN;
    }
  }
  if (i !== e) return NaN;
  return days * MS_PER_DAY + ((hh * 60 + mi - offsetMin) * 60 + ss) * 1000 + ms;
}

let scratch = new Uint8Array(64);

/** `s` as bytes in a shared scratch (a character beyond ASCII becomes 0xff: never a digit or sign). */
function asciiBytes(s: string): Uint8Array {
  if (s.length + 4 > scratch.length) scratch = new Uint8Array(s.length * 2 + 4);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    scratch[i] = c < 0x80 ? c : 0xff;
  }
  scratch.fill(0, s.length, s.length + 4); // what a parser reads past the end is never a digit
  return scratch;
}

/** Parse `YYYY-MM-DD` to days since epoch, or NaN. */
export function parseIsoDate(s: string): number {
  return s.length === 10 ? parseIsoDateBytes(asciiBytes(s), 0, 10) : NaN;
}

/** Parse an ISO-8601 timestamp (see `parseIsoTimestampBytes`) to ms since epoch, or NaN. */
export function parseIsoTimestamp(s: string): number {
  return parseIsoTimestampBytes(asciiBytes(s), 0, s.length);
}

/** `YYYY-MM-DD` of a day number (days since epoch). */
export function formatDays(days: number): string {
  return new Date(days * MS_PER_DAY).toISOString().slice(0, 10);
}

/** Milliseconds in a day. */
export { MS_PER_DAY };

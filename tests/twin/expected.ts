/**
 * Expectations computed from the sample files alone, with papaparse and a few hand-written rules
 * read off `schemas/*.json`; nothing here imports the product's contract, cleaning or validation
 * code, so a bug there cannot hide itself in the expected values.
 */
import Papa from 'papaparse';

/** One data record of a file: its 1-based number (header excluded) and its fields. */
export interface Record_ {
  row: number;
  fields: string[];
}

/** The data records of a CSV text (header dropped when `header`). */
export function records(text: string, header: boolean): Record_[] {
  const parsed = Papa.parse<string[]>(text, { skipEmptyLines: true });
  if (parsed.errors.length) throw new Error(`papaparse: ${parsed.errors[0]!.message}`);
  const data = header ? parsed.data.slice(1) : parsed.data;
  return data.map((fields, i) => ({ row: i + 1, fields }));
}

const INT32 = { min: -2147483648, max: 2147483647 };
const isInt = (s: string) => /^-?\d+$/.test(s) && Number(s) >= INT32.min && Number(s) <= INT32.max;
const isBigint = (s: string) => /^-?\d+$/.test(s);

/** Milliseconds of a valid calendar date-time, or undefined (no Feb 30, no hour 25). */
function utc(y: number, mo: number, d: number, h = 0, mi = 0, s = 0, ms = 0): number | undefined {
  const t = Date.UTC(y, mo - 1, d, h, mi, s, ms);
  const dt = new Date(t);
  const ok =
    dt.getUTCFullYear() === y &&
    dt.getUTCMonth() === mo - 1 &&
    dt.getUTCDate() === d &&
    dt.getUTCHours() === h &&
    dt.getUTCMinutes() === mi &&
    dt.getUTCSeconds() === s;
  return ok ? t : undefined;
}

/** ISO-8601 in UTC as the samples write it: `2021-01-27T21:29:42Z`, optional fraction. */
export function isoUtc(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?Z$/.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h, mi, se] = m.slice(1, 7).map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  return utc(y, mo, d, h, mi, se, m[7] ? Number(m[7].padEnd(3, '0')) : 0);
}

/** `yyyy-MM-dd HH:mm:ss` (UTC). */
function spaced(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(s);
  return m ? utc(+m[1]!, +m[2]!, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : undefined;
}

/** `dd/MM/yyyy HH:mm` (UTC). */
function european(s: string): number | undefined {
  const m = /^(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2})$/.exec(s);
  return m ? utc(+m[3]!, +m[2]!, +m[1]!, +m[4]!, +m[5]!) : undefined;
}

/** `yyyy-MM-dd`. */
function isoDate(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  return m ? utc(+m[1]!, +m[2]!, +m[3]!) : undefined;
}

/** A record the contract accepts, with what the tests compare. */
export interface Good {
  row: number;
  key: string;
  fields: string[];
  /** Event time (ms) of the record, where the dataset has one. */
  time?: number;
  /** Business day (`YYYY-MM-DD` as written), where the dataset has one. */
  day?: string;
}

/** The split of a file into accepted and rejected records, by the contract's rules. */
export interface Split {
  records: number;
  good: Good[];
  bad: { row: number; why: string; fields: string[] }[];
}

type Check = (f: string[]) => { why?: string; key?: string; time?: number; day?: string };

function split(recs: Record_[], columns: number, check: Check): Split {
  const good: Good[] = [];
  const bad: Split['bad'] = [];
  const seen = new Set<string>();
  for (const r of recs) {
    if (r.fields.length !== columns) {
      bad.push({ row: r.row, why: 'column_count', fields: r.fields });
      continue;
    }
    const c = check(r.fields);
    if (c.why) bad.push({ row: r.row, why: c.why, fields: r.fields });
    else if (seen.has(c.key!)) bad.push({ row: r.row, why: 'duplicate_key', fields: r.fields });
    else {
      seen.add(c.key!);
      good.push({
        row: r.row,
        key: c.key!,
        fields: r.fields,
        ...(c.time !== undefined ? { time: c.time } : {}),
        ...(c.day !== undefined ? { day: c.day } : {}),
      });
    }
  }
  return { records: recs.length, good, bad };
}

const nonEmpty = (s: string, max: number) => s.length > 0 && [...s].length <= max;

/** departments.csv / jobs.csv: `id,name`, no header, id int, name 1..100 characters. */
export function splitReference(text: string): Split {
  return split(records(text, false), 2, ([id, name]) => {
    if (!isInt(id!)) return { why: 'type id' };
    if (!nonEmpty(name!, 100)) return { why: 'name' };
    return { key: id! };
  });
}

/** hired_employees.csv: `id,name,datetime,department_id,job_id`, no header. */
export function splitHires(text: string): Split {
  return split(records(text, false), 5, ([id, name, datetime, dept, job]) => {
    if (!isInt(id!)) return { why: 'type id' };
    if (!nonEmpty(name!, 200)) return { why: 'name' };
    const time = isoUtc(datetime!);
    if (time === undefined) return { why: 'datetime' };
    if (!isInt(dept!) || Number(dept) < 1) return { why: 'department_id' };
    if (!isInt(job!) || Number(job) < 1) return { why: 'job_id' };
    return { key: id!, time };
  });
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

/** users.csv: header `id,email,name,country,created_at,updated_at`. */
export function splitUsers(text: string): Split {
  return split(records(text, true), 6, ([id, email, name, country, created, updated]) => {
    if (!isBigint(id!)) return { why: 'type id' };
    if (!email || !EMAIL.test(email) || email.length > 254) return { why: 'email' };
    if (!nonEmpty(name!, 200)) return { why: 'name' };
    if (country && !/^[A-Z]{2}$/.test(country)) return { why: 'country' };
    const c = isoUtc(created!) ?? spaced(created!);
    if (c === undefined) return { why: 'created_at' };
    if (updated) {
      const u = isoUtc(updated) ?? european(updated);
      if (u === undefined) return { why: 'updated_at' };
      if (u < c) return { why: 'rule' };
    }
    return { key: id!, time: c };
  });
}

const CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'MXN', 'BRL']);

/** Cents of a decimal(12,2) text within ±1,000,000, or undefined. */
export function cents(s: string): bigint | undefined {
  const m = /^(-?)(\d{1,10})(?:\.(\d{1,2}))?$/.exec(s);
  if (!m) return undefined;
  const v = BigInt(m[2]!) * 100n + BigInt((m[3] ?? '0').padEnd(2, '0'));
  const signed = m[1] ? -v : v;
  return signed >= -100_000_000n && signed <= 100_000_000n ? signed : undefined;
}

/** transactions.csv: header `transaction_id,user_id,amount,currency,business_date,booked_at`. */
export function splitTransactions(text: string): Split {
  return split(records(text, true), 6, ([tx, user, amount, currency, day, booked]) => {
    if (!/^TX[0-9]{8}$/.test(tx!)) return { why: 'transaction_id' };
    if (!isBigint(user!)) return { why: 'user_id' };
    if (cents(amount!) === undefined) return { why: 'amount' };
    if (!CURRENCIES.has(currency!)) return { why: 'currency' };
    if (isoDate(day!) === undefined) return { why: 'business_date' };
    const time = isoUtc(booked!);
    if (time === undefined) return { why: 'booked_at' };
    return { key: tx!, time, day: day! };
  });
}

/** `YYYY-MM-DD HH` of a time (UTC), the hourly partition it belongs to. */
export function hourOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 13).replace('T', ' ');
}

/** Every UTC day (`YYYY-MM-DD`) from one instant to another: where an upload in between may lie. */
export function daysBetween(from: number, to: number): Set<string> {
  const day = (t: number) => new Date(t).toISOString().slice(0, 10);
  const days = new Set([day(to)]);
  for (let t = from; t <= to; t += 86_400_000) days.add(day(t));
  return days;
}

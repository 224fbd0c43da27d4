import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from './rng.js';

/**
 * Users files under `schemas/users.json`, shaped like `sample_data/users.csv` at any size:
 * created_at spread over 2023 in both accepted formats, updated_at later (ISO, `dd/MM/yyyy HH:mm`
 * or empty), and about 1% bad rows (malformed emails, updated_at before created_at, a bad country).
 */
export interface UsersCsvOptions {
  rows: number;
  seed?: number;
  /** First id; ids are consecutive, so a file has no duplicate keys. */
  firstId?: number;
}

const FIRST = ['Ana', 'Bruno', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ivan', 'Julia'];
const LAST = ['Silva', 'Novak', 'Okafor', 'Garcia', 'Kim', 'Rossi', 'Haddad', 'Petrov', 'Tanaka'];
const COUNTRIES = ['US', 'MX', 'BR', 'DE', 'FR', 'ES', 'GB', 'JP', 'IN', 'NG', 'CA', 'AU'];
const YEAR_START = Date.UTC(2023, 0, 1);
const YEAR_SECONDS = 364 * 86_400;
const pad = (n: number) => String(n).padStart(2, '0');

/** A users file's rows, in batches of lines (header first), so any size streams in flat memory. */
export function* usersCsvBatches(options: UsersCsvOptions, batch = 10_000): Generator<string> {
  const rnd = createRng(options.seed ?? 20230101);
  const firstId = options.firstId ?? 1;
  yield 'id,email,name,country,created_at,updated_at\n';
  for (let from = 0; from < options.rows; from += batch) {
    const lines: string[] = [];
    const to = Math.min(options.rows, from + batch);
    for (let i = from; i < to; i++) lines.push(userLine(firstId + i, rnd));
    yield lines.join('\n') + '\n';
  }
}

/** Write a users file to `path`; returns its size in bytes. */
export async function writeUsersCsv(path: string, options: UsersCsvOptions): Promise<number> {
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  for (const text of usersCsvBatches(options)) {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bytes;
}

function userLine(id: number, rnd: () => number): string {
  const first = FIRST[Math.floor(rnd() * FIRST.length)]!;
  const last = LAST[Math.floor(rnd() * LAST.length)]!;
  const created = YEAR_START + Math.floor(rnd() * YEAR_SECONDS) * 1000;
  const updated = created + Math.floor(rnd() * 30 * 86_400) * 1000;
  const bad = rnd();
  const email =
    bad < 0.004 ? `${first}.${last}${id}.example.com` : `${first}.${last}${id}@example.com`;
  const country = bad > 0.996 ? 'USA' : COUNTRIES[id % COUNTRIES.length]!;
  const createdText =
    id % 3 === 0 ? isoSeconds(created).replace('T', ' ').slice(0, 19) : isoZ(created);
  // 0.4% of rows go back a day: the updated_after_created rule rejects them.
  const updatedAt = bad > 0.004 && bad < 0.008 ? created - 86_400_000 : updated;
  const updatedText =
    id % 10 === 0 ? '' : id % 4 === 0 ? dayFirstMinutes(updatedAt) : isoZ(updatedAt);
  return `${id},${email.toLowerCase()},${first} ${last},${country},${createdText},${updatedText}`;
}

const isoSeconds = (ms: number) => new Date(ms).toISOString().slice(0, 19);
const isoZ = (ms: number) => `${isoSeconds(ms)}Z`;

/** `dd/MM/yyyy HH:mm`, rounded up to the minute so it never falls before created_at. */
function dayFirstMinutes(ms: number): string {
  const d = new Date(Math.ceil(ms / 60_000) * 60_000);
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
}

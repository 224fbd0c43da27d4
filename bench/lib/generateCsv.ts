import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { createRng } from './rng.js';

/** What the generator wrote, so runs can be checked against it. */
export interface GeneratedCsv {
  rows: number;
  bytes: number;
}

const FIRST = [
  'Ana',
  'Bo',
  'Chloé',
  'Dmitri',
  'Eun-ji',
  'Farid',
  'Grace',
  'Hiro',
  'Inès',
  'José',
  'Kwame',
  'Lena',
];
const LAST = [
  'Smith',
  'García',
  'Müller',
  'Kim',
  'Rossi',
  'Nakamura',
  'Okafor',
  'Dubois',
  "O'Neil",
  'Nguyen',
];
const DOMAINS = ['example.com', 'corp.example.org', 'mail.test'];
const START = Date.UTC(2024, 2, 1);
const HOURS = 48;
const BATCH = 10_000;

/**
 * Streams the reference workload to `path`: header plus `rows` rows of
 * id,name,email,hired_at,updated_at,department_id,job_id. About 2% malformed emails, about 3%
 * updated_at before hired_at, hired_at spread over 48 hours. Memory stays flat for any row count.
 */
export async function generateCsv(
  path: string,
  rows: number,
  seed = 20240301,
): Promise<GeneratedCsv> {
  const rnd = createRng(seed);
  const out = createWriteStream(path, { highWaterMark: 1 << 20 });
  let bytes = 0;
  const write = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await write('id,name,email,hired_at,updated_at,department_id,job_id\n');
  for (let from = 0; from < rows; from += BATCH) {
    const lines: string[] = [];
    for (let i = from; i < Math.min(rows, from + BATCH); i++) lines.push(row(i + 1, rnd));
    await write(lines.join('\n') + '\n');
  }
  out.end();
  await once(out, 'finish');
  return { rows, bytes };
}

/** One CSV line. A quoted name now and then keeps the parser honest. */
function row(id: number, rnd: () => number): string {
  const first = FIRST[Math.floor(rnd() * FIRST.length)] as string;
  const last = LAST[Math.floor(rnd() * LAST.length)] as string;
  const domain = DOMAINS[Math.floor(rnd() * DOMAINS.length)] as string;
  const local = `${first}.${last}${id}`.toLowerCase().replace(/[^a-z0-9.]/g, '');
  const r = rnd();
  const email =
    r < 0.007
      ? `${local}.${domain}`
      : r < 0.014
        ? `${local}@@${domain}`
        : r < 0.02
          ? `${local}@localhost`
          : `${local}@${domain}`;
  const hired = START + Math.floor(rnd() * HOURS * 3_600_000);
  const updated = hired + Math.floor((rnd() - 0.03) * 30 * 86_400_000);
  const name = rnd() < 0.05 ? `"${last}, ${first}"` : `${first} ${last}`;
  const dept = rnd() < 0.01 ? '' : String(1 + Math.floor(rnd() * 12));
  const job = String(1 + Math.floor(rnd() * 180));
  return `${id},${name},${email},${iso(hired)},${iso(updated)},${dept},${job}`;
}

/** ISO 8601 in UTC, seconds precision (`2024-03-01T07:15:42Z`). */
function iso(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19) + 'Z';
}

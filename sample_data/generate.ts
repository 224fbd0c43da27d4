/**
 * Writes the sample files deterministically (seeded PRNG): `npx tsx sample_data/generate.ts`.
 * Bad rows sit at fixed row numbers listed in BAD_* below; tests/core/fixtures/expected-rejects.json
 * pins what each must be rejected for.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

/** mulberry32: tiny, fast, seeded. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const rand = prng(20210727);
const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
const pick = <T>(xs: readonly T[]): T => xs[int(0, xs.length - 1)]!;
const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const csvField = (s: string): string => (/[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
const line = (fields: string[]): string => fields.map(csvField).join(',');

const FIRST = ['Ana', 'Bruno', 'Chen', 'Dana', 'Emeka', 'Farah', 'Goran', 'Hana', 'Ivan', 'Julia', 'Kenji', 'Lucia', 'Marta', 'Nikhil', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sami', 'Tomas'];
const LAST = ['Silva', 'Novak', 'Okafor', 'Garcia', 'Kim', 'Müller', 'Rossi', 'Haddad', 'Petrov', 'Tanaka', 'Dubois', 'Nowak', 'Jensen', 'Moreau', 'Costa'];
const DEPARTMENTS = ['Supply Chain', 'Maintenance', 'Staff', 'Research and Development', 'Business Development', 'Accounting', 'Human Resources', 'Legal', 'Marketing', 'Product Management', 'Sales', 'Training'];
const JOB_WORDS = ['Analyst', 'Engineer', 'Manager', 'Assistant', 'Specialist', 'Coordinator', 'Developer', 'Designer'];
const JOB_LEVELS = ['Junior', 'Senior', 'Lead', 'Principal', 'Associate'];

function write(name: string, lines: string[]): void {
  writeFileSync(join(here, name), `${lines.join('\n')}\n`);
}

// departments.csv and jobs.csv: clean reference data, no header.
write('departments.csv', DEPARTMENTS.map((d, i) => line([String(i + 1), d])));
// 5 levels × 8 words cycle with period 40, so the 40 titles are distinct.
const jobs: string[] = [];
for (let i = 1; i <= 40; i++) jobs.push(line([String(i), `${JOB_LEVELS[i % JOB_LEVELS.length]} ${JOB_WORDS[i % JOB_WORDS.length]}`]));
write('jobs.csv', jobs);

// hired_employees.csv: 1,500 hires, about 90% in 2021 and the rest in H1 2022, no header.
const BAD_HIRES: Record<number, (f: string[]) => void> = {
  17: (f) => (f[1] = ''), // required name
  120: (f) => (f[2] = ''), // required datetime
  333: (f) => (f[3] = ''), // required department_id
  480: (f) => (f[2] = '2021-13-45T10:00:00Z'), // type datetime
  777: (f) => (f[0] = 'A777'), // type id
  901: (f) => (f[0] = '900'), // duplicate_key with row 900
  1234: (f) => (f[2] = '27/07/2021 16:02'), // type datetime (not ISO)
  1400: (f) => (f[3] = '3.5'), // type department_id
};
const start2021 = Date.UTC(2021, 0, 1);
const hires: string[] = [];
for (let r = 1; r <= 1500; r++) {
  const in2022 = rand() < 0.1;
  const ms = in2022 ? Date.UTC(2022, 0, 1) + int(0, 180 * 86400 - 1) * 1000 : start2021 + int(0, 365 * 86400 - 1) * 1000;
  const name = r === 50 ? "O'Neil, Jr. Patrick" : `${pick(FIRST)} ${pick(LAST)}`;
  const f = [String(r), name, iso(ms), String(int(1, 12)), String(int(1, 40))];
  BAD_HIRES[r]?.(f);
  hires.push(line(f));
}
write('hired_employees.csv', hires);

// users.csv: 300 users created in 2023, header, mixed accepted timestamp formats.
const COUNTRIES = ['US', 'MX', 'BR', 'DE', 'FR', 'ES', 'GB', 'JP', 'IN', 'NG', 'CA', 'AU'];
const BAD_USERS: Record<number, (f: string[]) => void> = {
  5: (f) => (f[1] = 'john.doe@'), // format email
  23: (f) => (f[1] = 'no-at-sign.example.com'), // format email
  40: (f) => (f[5] = '2022-12-31T23:59:59Z'), // rule: updated_at before created_at (all created in 2023)
  57: (f) => (f[2] = ''), // required name
  81: (f) => (f[0] = '12x'), // type id
  99: (f) => (f[0] = String(1000 + 98)), // duplicate_key with row 98
  120: (f) => (f[4] = '2023-02-30 10:00:00'), // type created_at (no Feb 30)
  150: (f) => (f[3] = 'USA'), // pattern country
  170: (f) => (f[5] = 'yesterday'), // type updated_at
  200: (f) => f.push('surplus'), // column_count
  250: (f) => (f[1] = ''), // required email
};
const users = [line(['id', 'email', 'name', 'country', 'created_at', 'updated_at'])];
for (let r = 1; r <= 300; r++) {
  const first = pick(FIRST);
  const last = pick(LAST);
  const created = Date.UTC(2023, 0, 1) + int(0, 364 * 86400 - 1) * 1000;
  const updated = created + int(0, 30 * 86400) * 1000;
  const createdText = r % 3 === 0 ? iso(created).replace('T', ' ').replace('Z', '') : iso(created);
  const u = new Date(updated);
  // dd/MM/yyyy HH:mm drops the seconds: round up to the next minute so updated_at stays >= created_at.
  const upMin = new Date(Math.ceil(updated / 60000) * 60000);
  const updatedText =
    r % 10 === 0 ? '' : r % 4 === 0 ? `${pad(upMin.getUTCDate())}/${pad(upMin.getUTCMonth() + 1)}/${upMin.getUTCFullYear()} ${pad(upMin.getUTCHours())}:${pad(upMin.getUTCMinutes())}` : iso(u.getTime());
  const name = r === 12 ? `${first} "JJ" ${last}, Jr.` : `${first} ${last}`;
  const email = `${first}.${last}${r}@example.com`.toLowerCase().replace('ü', 'u');
  const f = [String(1000 + r), email, name, pick(COUNTRIES), createdText, updatedText];
  BAD_USERS[r]?.(f);
  users.push(line(f));
}
write('users.csv', users);

// transactions.csv: 400 transactions booked in the first week of March 2024, header.
const CURRENCIES = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'MXN', 'BRL'];
const BAD_TX: Record<number, (f: string[]) => void> = {
  7: (f) => (f[2] = '12.345'), // type amount (scale overflow)
  31: (f) => (f[2] = '12,50'), // type amount (decimal comma, quoted in the file)
  64: (f) => (f[3] = 'XYZ'), // enum currency
  90: (f) => (f[4] = '2024-02-30'), // type business_date
  111: (f) => (f[5] = ''), // required booked_at
  150: (f) => (f[0] = 'TX00000149'), // duplicate_key with row 149
  190: (f) => (f[1] = 'abc'), // type user_id
  222: (f) => (f[2] = '99999999999.99'), // range amount (too many digits for decimal(12,2))
  260: (f) => (f[0] = 'tx-1'), // pattern transaction_id
  300: (f) => (f[2] = '2000000.00'), // range amount (above max)
  333: (f) => (f[5] = '2024-03-05T25:00:00Z'), // type booked_at
};
const tx = [line(['transaction_id', 'user_id', 'amount', 'currency', 'business_date', 'booked_at'])];
for (let r = 1; r <= 400; r++) {
  const booked = Date.UTC(2024, 2, 1) + int(0, 7 * 86400 - 1) * 1000 + int(0, 999);
  const cents = int(-50_000, 500_000);
  const amount = `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${pad(Math.abs(cents) % 100)}`;
  const bookedText = new Date(booked).toISOString();
  const f = [`TX${pad(r, 8)}`, String(int(1001, 1300)), amount, pick(CURRENCIES), bookedText.slice(0, 10), bookedText];
  BAD_TX[r]?.(f);
  tx.push(line(f));
}
write('transactions.csv', tx);

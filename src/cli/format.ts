/** Text output of the `lake` command: aligned tables, JSON and CSV. */

/** A value as a table cell. */
export function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** An aligned text table with a header rule; numbers right-aligned; `nullAs` prints null (NULL). */
export function formatTable(
  columns: string[],
  rows: unknown[][],
  options: { nullAs?: string } = {},
): string {
  const show = (v: unknown) =>
    v === null && options.nullAs !== undefined ? options.nullAs : cell(v);
  const text = rows.map((r) => r.map(show));
  const widths = columns.map((c, i) => Math.max(c.length, ...text.map((r) => (r[i] ?? '').length)));
  const numeric = columns.map(
    (_, i) =>
      rows.length > 0 &&
      rows.every((r) => r[i] === null || typeof r[i] === 'number' || typeof r[i] === 'bigint'),
  );
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (numeric[i] ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(columns), widths.map((w) => '-'.repeat(w)).join('  '), ...text.map(line)].join('\n');
}

/** Rows as a JSON array of objects. */
export function formatJson(columns: string[], rows: unknown[][]): string {
  return JSON.stringify(
    rows.map((r) => Object.fromEntries(columns.map((c, i) => [c, r[i] ?? null]))),
    (_, v: unknown) => (typeof v === 'bigint' ? v.toString() : v),
    2,
  );
}

/** Rows as RFC 4180 CSV with a header. */
export function formatCsv(columns: string[], rows: unknown[][]): string {
  const esc = (v: unknown) => {
    const s =
      v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v);
    return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
  };
  return [columns.map(esc).join(','), ...rows.map((r) => r.map(esc).join(','))].join('\n');
}

/** A short duration: `850 ms`, `12.3 s`. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

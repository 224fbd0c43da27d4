/**
 * DuckDB's refusals as `lake query` prints them: each block once (its caret block came twice), and
 * table suggestions drawn from the lake's own tables and views, not DuckDB's internal catalog
 * (`pg_enum` for a typo of `users`).
 */

/** Edit distance, for "did you mean". */
function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length]!;
}

/** The lake tables closest to `name` (at most three, within a third of its length). */
export function closestTables(name: string, tables: readonly string[]): string[] {
  const wanted = name.toLowerCase().replace(/^.*\./, '').replace(/"/g, '');
  const limit = Math.max(2, Math.floor(wanted.length / 3));
  return tables
    .map((t) => ({ t, d: distance(wanted, t.toLowerCase()) }))
    .filter(({ d }) => d <= limit)
    .sort((a, b) => a.d - b.d || a.t.localeCompare(b.t))
    .slice(0, 3)
    .map(({ t }) => t);
}

/** The message to print: repeated blocks dropped, suggestions limited to `tables`. */
export function cleanQueryError(message: string, tables: readonly string[]): string {
  const blocks: string[] = [];
  for (const block of message.split(/\n\s*\n/)) {
    const text = block.replace(/\s+$/, '');
    if (text && !blocks.includes(text)) blocks.push(text);
  }
  let text = blocks.join('\n\n');
  const missing = /Table with name (\S+) does not exist/i.exec(text)?.[1];
  // DuckDB's guess comes from every catalog it has, internal ones included.
  text = text.replace(/\n?Did you mean "[^"]*"\?/g, '');
  if (missing) {
    const near = closestTables(missing, tables);
    if (near.length) {
      text = text.replace(
        /(Table with name \S+ does not exist!?)/i,
        `$1\nDid you mean ${near.map((t) => `"${t}"`).join(' or ')}?`,
      );
    }
  }
  return text;
}

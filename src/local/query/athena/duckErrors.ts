/**
 * DuckDB's error messages in Athena's words where the meaning is the same (an unknown column,
 * table or function, a syntax error), so a message reads as Athena's would. DuckDB's own text
 * follows on the next line: its hints ("Did you mean …") help.
 */

/** Athena's code and message for a DuckDB error, or undefined when there is no counterpart. */
export function athenaErrorOf(
  duckMessage: string,
  sql: string,
  defaultDatabase: string,
): { code: string; message: string } | undefined {
  const first = duckMessage.split('\n')[0] ?? duckMessage;
  const at = positionOf(duckMessage, sql);
  const duck = duckMessage.split(/\n\s*\nLINE \d+:/)[0]!.trim();
  const with_ = (code: string, text: string) => ({
    code,
    message: `${code}: ${at}${text}\n${duck}`,
  });
  let m: RegExpExecArray | null;
  if ((m = /Referenced column "(.+?)" not found/.exec(first)))
    return with_('COLUMN_NOT_FOUND', `Column '${m[1]}' cannot be resolved`);
  if ((m = /"(.+?)" does not have a column named "(.+?)"/.exec(first)))
    return with_('COLUMN_NOT_FOUND', `Column '${m[1]}.${m[2]}' cannot be resolved`);
  if ((m = /Table with name (\S+) does not exist/.exec(first))) {
    const name = m[1]!.replace(/"/g, '');
    const qualified = name.includes('.') ? name : `${defaultDatabase}.${name}`;
    return with_('TABLE_NOT_FOUND', `Table 'awsdatacatalog.${qualified}' does not exist`);
  }
  if ((m = /(?:Scalar|Aggregate|Table) Function with name (\S+) does not exist/.exec(first)))
    return with_('FUNCTION_NOT_FOUND', `Function '${m[1]}' not registered`);
  if (/^Parser Error/.test(first))
    return with_('SYNTAX_ERROR', first.replace(/^Parser Error: /, ''));
  return undefined;
}

/** `line L:C: ` from DuckDB's `LINE n: …` and caret lines, when they point into `sql`. */
function positionOf(duckMessage: string, sql: string): string {
  if (!sql) return '';
  const lines = duckMessage.split('\n');
  const i = lines.findIndex((l) => /^LINE \d+: /.test(l));
  if (i < 0 || !lines[i + 1]?.includes('^')) return '';
  const prefix = /^LINE (\d+): /.exec(lines[i]!)!;
  const column = lines[i + 1]!.indexOf('^') - prefix[0].length + 1;
  const line = Number(prefix[1]);
  const text = sql.split('\n')[line - 1];
  if (column < 1 || text === undefined || !lines[i]!.endsWith(text.trim().slice(-20))) return '';
  return `line ${line}:${column}: `;
}

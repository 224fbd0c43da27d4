/**
 * The Athena (Trino) dialect over DuckDB: text steps (`athena/sqlText.ts`), DuckDB's parser, a
 * typed rewrite of its tree (`athena/rewriteAst.ts`) onto macros and settings
 * (`athena/macros.ts`), and Athena's output column names. docs/local-twin.md lists what differs.
 */
import type { DuckDBConnection } from '@duckdb/node-api';
import { castNode, DuckParser, walk, type AstNode } from './athena/duckAst.js';
import { rewriteStatement, type RewriteResult, type TableLookup } from './athena/rewriteAst.js';
import { prepareSql } from './athena/sqlText.js';

import { ATHENA_MACROS } from './athena/macros.js';

export { ATHENA_MACROS, ATHENA_SETTINGS } from './athena/macros.js';
export { mysqlToStrftime, jodaToStrftime } from './athena/formats.js';

/**
 * The text steps only (the `AwsDataCatalog.` prefix, `listagg … WITHIN GROUP`), for SQL that
 * cannot go through the parser. Throws `QueryError` for `LIMIT … OFFSET`.
 */
export function translateAthenaSql(sql: string): string {
  return prepareSql(sql);
}

/** A translated statement and what the engine must provide or rename for it. */
export interface Translation extends RewriteResult {
  sql: string;
  /**
   * Athena's names of the output columns in select-list order: a name, `null` for an unnamed
   * expression (Athena's `_col<i>`), or `'*'` for a star; undefined when not known.
   */
  names?: Array<string | null>;
}

/** Translates Athena SQL for one DuckDB connection. */
export class AthenaTranslator {
  private readonly parser: DuckParser;

  constructor(connection: DuckDBConnection) {
    this.parser = new DuckParser(connection);
  }

  /** DuckDB SQL for `sql`; throws `QueryError` where Athena would refuse the statement. */
  async translate(sql: string, lookup: TableLookup): Promise<Translation> {
    const text = prepareSql(sql);
    const statements = await this.parser.parse(text);
    const none: Translation = {
      sql: text,
      changed: false,
      hiveTables: [],
      partitionTables: [],
      usesInformationSchema: false,
    };
    if (statements?.length !== 1) return none;
    const root = statements[0]!;
    const names = outputNames(root);
    const result = rewriteStatement(root, text, lookup);
    if (!result.changed) return { ...result, sql: text, names };
    keepDoubles(root);
    try {
      return { ...result, sql: await this.parser.print(root), names };
    } catch {
      return { ...none, names };
    }
  }
}

/**
 * Creates the macros a statement names, on first use: a one-shot `lake query` pays for the two
 * or three it needs, not for all of them (about 60, tens of milliseconds on a busy machine).
 */
export class AthenaMacros {
  private static readonly byName: Map<string, string> = new Map(
    ATHENA_MACROS.map((sql) => [/MACRO\s+(\w+)/.exec(sql)![1]!.toLowerCase(), sql]),
  );
  private readonly created = new Set<string>();

  constructor(private readonly connection: DuckDBConnection) {}

  /** Create every macro `sql` names (and those their bodies name) that does not exist yet. */
  async ensureFor(sql: string): Promise<void> {
    for (const word of sql.toLowerCase().match(/[a-z_][a-z0-9_]*/g) ?? []) {
      if (this.created.has(word)) continue;
      const definition = AthenaMacros.byName.get(word);
      if (!definition) continue;
      this.created.add(word);
      await this.ensureFor(definition.slice(definition.indexOf(' AS ')));
      await this.connection.run(definition);
    }
  }
}

/** DuckDB prints a double literal as `1.0`, which it would read back as a decimal: cast it. */
function keepDoubles(root: AstNode): void {
  walk(root, (n) => {
    const id = n.class === 'CONSTANT' ? n.value?.type.id : undefined;
    if (id !== 'DOUBLE' && id !== 'FLOAT') return;
    const constant = { ...n, alias: '' };
    const alias = n.alias ?? '';
    for (const key of Object.keys(n)) delete n[key];
    Object.assign(n, castNode(constant, { id, type_info: null }, alias));
  });
}

/** Output names of the statement's select list, as Athena gives them (lower case). */
function outputNames(root: AstNode): Array<string | null> | undefined {
  let node: AstNode | undefined = root;
  while (node?.type === 'SET_OPERATION_NODE') node = node.left;
  if (node?.type !== 'SELECT_NODE') return undefined;
  return ((node.select_list as AstNode[] | undefined) ?? []).map((item) => {
    if (item.alias) return item.alias.toLowerCase();
    if (item.class === 'STAR') return '*';
    if (item.class === 'COLUMN_REF') return String(item.column_names?.at(-1)).toLowerCase();
    return null;
  });
}

/** Apply `names` to DuckDB's column names: `_col<i>` for unnamed expressions, stars as DuckDB named them. */
export function athenaColumnNames(duckNames: string[], names?: Array<string | null>): string[] {
  if (!names) return duckNames;
  const stars = names.filter((n) => n === '*').length;
  if (stars > 1 || (stars === 0 && names.length !== duckNames.length)) return duckNames;
  const expanded = duckNames.length - (names.length - stars);
  const out: string[] = [];
  for (const n of names) {
    if (n === '*') {
      for (let k = 0; k < expanded; k++) out.push(duckNames[out.length]!);
    } else out.push(n ?? `_col${out.length}`);
  }
  return out.length === duckNames.length ? out : duckNames;
}

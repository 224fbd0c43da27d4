/**
 * DuckDB's own parser as the Athena SQL parser: `json_serialize_sql` gives the statement as JSON,
 * `json_deserialize_sql` turns a changed tree back into SQL. Trino's grammar is close enough to
 * DuckDB's that everyday queries parse; what does not parse runs as written (DuckDB's error).
 */
import type { DuckDBConnection, DuckDBPreparedStatement } from '@duckdb/node-api';

/** A node of DuckDB's serialized parse tree (only the fields the rewrite reads are typed). */
export interface AstNode {
  class?: string;
  type?: string;
  alias?: string;
  query_location?: number;
  function_name?: string;
  schema?: string;
  children?: AstNode[];
  column_names?: string[];
  value?: { type: DuckType; is_null: boolean; value?: unknown };
  child?: AstNode;
  cast_type?: DuckType;
  try_cast?: boolean;
  left?: AstNode;
  right?: AstNode;
  [field: string]: unknown;
}

/** A serialized DuckDB type: `{ id: 'DECIMAL', type_info: { width, scale } }`. */
export interface DuckType {
  id: string;
  type_info?: {
    width?: number;
    scale?: number;
    child_type?: DuckType;
    [k: string]: unknown;
  } | null;
}

/**
 * Literal values JSON.parse would change: doubles written `1.0` (DuckDB wants a double back) and
 * integers past 2^53. They travel through the tree as marked strings and come back as written.
 */
const EXACT_NUMBER = /"value":(-?\d+\.\d+(?:[eE][+-]?\d+)?|-?\d+[eE][+-]?\d+|-?\d{16,})(?=[,}])/g;
const EXACT_MARK = '#lake-number#';
const MARKED_NUMBER = new RegExp(`"value":"${EXACT_MARK}([^"]+)"`, 'g');

/** The location DuckDB gives nodes it made itself (a typed literal's CAST); u64 max. */
const NO_LOCATION_TEXT = '18446744073709551615';
export const NO_LOCATION = -1;

/** Parses and prints SQL through one connection, with prepared statements reused. */
export class DuckParser {
  private serializer?: DuckDBPreparedStatement;
  private deserializer?: DuckDBPreparedStatement;

  constructor(private readonly connection: DuckDBConnection) {}

  /** The statements of `sql`, or undefined when DuckDB's parser refuses it. */
  async parse(sql: string): Promise<AstNode[] | undefined> {
    this.serializer ??= await this.connection.prepare('SELECT json_serialize_sql($1::VARCHAR)');
    this.serializer.bindVarchar(1, sql);
    const json = String((await this.serializer.runAndReadAll()).getRowsJson()[0]![0]);
    const marked = json
      .replaceAll(NO_LOCATION_TEXT, String(NO_LOCATION))
      .replace(EXACT_NUMBER, `"value":"${EXACT_MARK}$1"`);
    const parsed = JSON.parse(marked) as {
      error: boolean;
      statements?: Array<{ node: AstNode }>;
    };
    if (parsed.error || !parsed.statements) return undefined;
    return parsed.statements.map((s) => s.node);
  }

  /** SQL for a statement tree given by `parse`. */
  async print(node: AstNode): Promise<string> {
    this.deserializer ??= await this.connection.prepare('SELECT json_deserialize_sql($1::JSON)');
    const json = JSON.stringify({ error: false, statements: [{ node, named_param_map: [] }] });
    this.deserializer.bindVarchar(
      1,
      json
        .replaceAll(`"query_location":${NO_LOCATION}`, `"query_location":${NO_LOCATION_TEXT}`)
        .replace(MARKED_NUMBER, '"value":$1'),
    );
    return String((await this.deserializer.runAndReadAll()).getRowsJson()[0]![0]);
  }
}

/** A function call node, shaped as DuckDB serializes one. */
export function functionNode(name: string, children: AstNode[], location = NO_LOCATION): AstNode {
  return {
    class: 'FUNCTION',
    type: 'FUNCTION',
    alias: '',
    query_location: location,
    function_name: name,
    schema: '',
    children,
    filter: null,
    order_bys: { type: 'ORDER_MODIFIER', orders: [] },
    distinct: false,
    is_operator: false,
    export_state: false,
    catalog: '',
  };
}

/** `CAST(child AS type)`. */
export function castNode(child: AstNode, type: DuckType, alias = ''): AstNode {
  return {
    class: 'CAST',
    type: 'OPERATOR_CAST',
    alias,
    query_location: NO_LOCATION,
    child,
    cast_type: type,
    try_cast: false,
  };
}

/** The DuckDB type `DECIMAL(width, scale)`. */
export function decimalType(width: number, scale: number): DuckType {
  return {
    id: 'DECIMAL',
    type_info: { type: 'DECIMAL_TYPE_INFO', alias: '', extension_info: null, width, scale },
  };
}

/** Visit every object of the tree, depth first, children before parents. */
export function walk(
  node: unknown,
  visit: (n: AstNode, parent?: AstNode) => void,
  parent?: AstNode,
): void {
  if (Array.isArray(node)) {
    for (const item of node) walk(item, visit, parent);
    return;
  }
  if (!node || typeof node !== 'object') return;
  const n = node as AstNode;
  for (const value of Object.values(n)) walk(value, visit, n);
  visit(n, parent);
}

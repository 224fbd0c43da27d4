import type {
  ColumnSpec,
  Contract,
  CsvDialect,
  PartitionGrain,
  PartitioningSpec,
  RowRule,
  WriteMode,
} from './types.js';
import { INGESTION_TIME } from './partitioning.js';
import { ContractError } from './errors.js';
import { decimalParts, parseDecimal } from '../clean/decimal.js';
import { parseIsoDate, parseIsoTimestamp } from '../clean/isoTime.js';
import { checkPattern } from '../clean/patternTime.js';

const PLAIN_TYPES = ['string', 'int', 'bigint', 'double', 'boolean', 'date', 'timestamp'];
const TYPE_LIST = `${PLAIN_TYPES.join(', ')}, decimal(p,s)`;
const OPS = ['<', '<=', '=', '!=', '>=', '>'];
const DATASET_NAME = /^[a-z][a-z0-9_]*$/;
const COLUMN_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
/** Names the lake adds itself: audit columns and the Hive partition columns. */
const RESERVED = [
  'date',
  'hour',
  '_source_key',
  '_source_version',
  '_row_number',
  '_ingested_at',
  '_execution_id',
];

const TOP_KEYS = [
  'dataset',
  'description',
  'files',
  'csv',
  'columns',
  'rules',
  'primaryKey',
  'partitioning',
  'maxRejectRatio',
  'writeMode',
  'deleteMarker',
];
const WRITE_MODES = ['append', 'replace', 'merge'];
const PARTITIONING_KEYS = ['time', 'grain', 'maxPartitionsPerFile'];
const GRAINS = ['hour', 'day'];
const CSV_KEYS = ['delimiter', 'quote', 'header', 'encoding', 'nullMarkers'];
const COLUMN_KEYS = [
  'name',
  'type',
  'description',
  'nullable',
  'formats',
  'format',
  'pattern',
  'min',
  'max',
  'enum',
  'minLength',
  'maxLength',
];
const RULE_KEYS = ['name', 'column', 'op', 'otherColumn', 'message'];

type Obj = Record<string, unknown>;

/**
 * Check a contract document (parsed JSON, or its text) field by field; throws `ContractError`
 * naming the file and the field path, e.g. `schemas/users.json: columns[2].type: …`.
 */
export function parseContract(json: unknown, fileName: string): Contract {
  const fail = (path: string, message: string): never => {
    throw new ContractError(`${fileName}: ${path}: ${message}`, { file: fileName, field: path });
  };
  let doc = json;
  if (typeof json === 'string') {
    try {
      doc = JSON.parse(json);
    } catch (cause) {
      throw new ContractError(
        `${fileName}: not valid JSON (${(cause as Error).message})`,
        { file: fileName },
        { cause },
      );
    }
  }
  const top = object(doc, '(root)', fail);
  if (top.partitionBy !== undefined)
    fail(
      'partitionBy',
      `replaced by "partitioning": { "time": ${JSON.stringify(top.partitionBy)}, "grain": "hour" } (or "day"; see docs/contracts.md)`,
    );
  unknownKeys(top, TOP_KEYS, '', fail);

  const dataset = str(top.dataset, 'dataset', fail);
  if (!DATASET_NAME.test(dataset)) fail('dataset', `"${dataset}" must match ${DATASET_NAME}`);
  const description = optional(top.description, (v) => str(v, 'description', fail));
  const files = array(top.files, 'files', fail).map((f, i) => str(f, `files[${i}]`, fail, true));
  if (files.length === 0) fail('files', 'must list at least one file name pattern');
  const csv = top.csv === undefined ? undefined : checkCsv(object(top.csv, 'csv', fail), fail);

  const rawColumns = array(top.columns, 'columns', fail);
  if (rawColumns.length === 0) fail('columns', 'must list at least one column');
  const seen = new Set<string>();
  const columns = rawColumns.map((c, i) => {
    const col = checkColumn(object(c, `columns[${i}]`, fail), `columns[${i}]`, fail);
    const key = col.name.toLowerCase();
    if (seen.has(key)) fail(`columns[${i}].name`, `duplicate column name "${col.name}"`);
    seen.add(key);
    return col;
  });
  const byName = new Map(columns.map((c) => [c.name, c]));
  const known = (name: string, path: string): ColumnSpec =>
    byName.get(name) ??
    fail(path, `unknown column "${name}" (columns: ${columns.map((c) => c.name).join(', ')})`);

  const rules = optional(top.rules, (v) =>
    array(v, 'rules', fail).map((r, i) => {
      const path = `rules[${i}]`;
      const o = object(r, path, fail);
      unknownKeys(o, RULE_KEYS, path, fail);
      const rule: RowRule = {
        name: str(o.name, `${path}.name`, fail, true),
        column: str(o.column, `${path}.column`, fail),
        op: oneOf(o.op, OPS, `${path}.op`, fail) as RowRule['op'],
        otherColumn: str(o.otherColumn, `${path}.otherColumn`, fail),
      };
      if (o.message !== undefined) rule.message = str(o.message, `${path}.message`, fail);
      const a = known(rule.column, `${path}.column`);
      const b = known(rule.otherColumn, `${path}.otherColumn`);
      if (family(a.type) !== family(b.type)) {
        fail(path, `cannot compare ${a.name} (${a.type}) with ${b.name} (${b.type})`);
      }
      return rule;
    }),
  );
  const primaryKey = optional(top.primaryKey, (v) => {
    const names = array(v, 'primaryKey', fail).map((n, i) => str(n, `primaryKey[${i}]`, fail));
    if (names.length === 0) fail('primaryKey', 'must name at least one column');
    names.forEach((n, i) => known(n, `primaryKey[${i}]`));
    if (new Set(names).size !== names.length) fail('primaryKey', 'names a column twice');
    return names;
  });
  const partitioning = optional(top.partitioning, (v) =>
    checkPartitioning(object(v, 'partitioning', fail), known, fail),
  );
  const maxRejectRatio = optional(top.maxRejectRatio, (v) => {
    const n = num(v, 'maxRejectRatio', fail);
    if (n < 0 || n > 1) fail('maxRejectRatio', `${n} must be between 0 and 1`);
    return n;
  });

  const writeMode = optional(
    top.writeMode,
    (v) => oneOf(v, WRITE_MODES, 'writeMode', fail) as WriteMode,
  );
  if (writeMode === 'merge' && !primaryKey)
    fail('writeMode', '"merge" needs a primaryKey: it keeps the latest version of each key');
  const deleteMarker = optional(top.deleteMarker, (v) => {
    const name = str(v, 'deleteMarker', fail);
    const col = known(name, 'deleteMarker');
    if (col.type !== 'boolean')
      fail('deleteMarker', `column "${name}" is ${col.type}; it must be boolean`);
    if (writeMode !== 'merge')
      fail('deleteMarker', 'only a "merge" table has a current view to delete keys from');
    return name;
  });

  const contract: Contract = { dataset, files, columns };
  if (description !== undefined) contract.description = description;
  if (csv !== undefined) contract.csv = csv;
  if (rules !== undefined) contract.rules = rules;
  if (primaryKey !== undefined) contract.primaryKey = primaryKey;
  if (partitioning !== undefined) contract.partitioning = partitioning;
  if (maxRejectRatio !== undefined) contract.maxRejectRatio = maxRejectRatio;
  if (writeMode !== undefined) contract.writeMode = writeMode;
  if (deleteMarker !== undefined) contract.deleteMarker = deleteMarker;
  return contract;
}

type Fail = (path: string, message: string) => never;

function checkCsv(o: Obj, fail: Fail): CsvDialect {
  unknownKeys(o, CSV_KEYS, 'csv', fail);
  const csv: CsvDialect = {};
  const oneChar = (v: unknown, path: string): string => {
    const s = str(v, path, fail);
    if (s.length !== 1 || s === '\n' || s === '\r' || s.charCodeAt(0) > 127) {
      fail(path, `must be one ASCII character other than a line break, got ${JSON.stringify(s)}`);
    }
    return s;
  };
  if (o.delimiter !== undefined) csv.delimiter = oneChar(o.delimiter, 'csv.delimiter');
  if (o.quote !== undefined) csv.quote = oneChar(o.quote, 'csv.quote');
  if ((csv.delimiter ?? ',') === (csv.quote ?? '"'))
    fail('csv.quote', 'must differ from the delimiter');
  if (o.header !== undefined) csv.header = bool(o.header, 'csv.header', fail);
  if (o.encoding !== undefined)
    csv.encoding = oneOf(
      o.encoding,
      ['utf-8', 'latin1', 'windows-1252', 'utf-16', 'utf-16le', 'utf-16be'],
      'csv.encoding',
      fail,
    ) as NonNullable<CsvDialect['encoding']>;
  if (o.nullMarkers !== undefined) {
    csv.nullMarkers = array(o.nullMarkers, 'csv.nullMarkers', fail).map((m, i) =>
      str(m, `csv.nullMarkers[${i}]`, fail),
    );
  }
  return csv;
}

function checkPartitioning(
  o: Obj,
  known: (name: string, path: string) => ColumnSpec,
  fail: Fail,
): PartitioningSpec {
  unknownKeys(o, PARTITIONING_KEYS, 'partitioning', fail);
  const spec: PartitioningSpec = {};
  if (o.grain !== undefined)
    spec.grain = oneOf(o.grain, GRAINS, 'partitioning.grain', fail) as PartitionGrain;
  if (o.time !== undefined) {
    const time = str(o.time, 'partitioning.time', fail, true);
    // "ingestion" is the keyword even if a column shares the name: the contract reads one way.
    if (time !== INGESTION_TIME) {
      const col = known(time, 'partitioning.time');
      if (col.type !== 'date' && col.type !== 'timestamp')
        fail(
          'partitioning.time',
          `column "${time}" is ${col.type}; it must be a date or timestamp column, or "${INGESTION_TIME}"`,
        );
      if (col.type === 'date' && (spec.grain ?? 'hour') === 'hour')
        fail(
          'partitioning.time',
          `column "${time}" is a date, which has no hour: set partitioning.grain to "day"`,
        );
    }
    spec.time = time;
  }
  if (o.maxPartitionsPerFile !== undefined) {
    const n = num(o.maxPartitionsPerFile, 'partitioning.maxPartitionsPerFile', fail);
    if (!Number.isInteger(n) || n < 1)
      fail('partitioning.maxPartitionsPerFile', `must be a positive integer, got ${n}`);
    spec.maxPartitionsPerFile = n;
  }
  return spec;
}

function checkColumn(o: Obj, path: string, fail: Fail): ColumnSpec {
  unknownKeys(o, COLUMN_KEYS, path, fail);
  const name = str(o.name, `${path}.name`, fail);
  if (!COLUMN_NAME.test(name)) fail(`${path}.name`, `"${name}" must match ${COLUMN_NAME}`);
  if (RESERVED.includes(name.toLowerCase()))
    fail(`${path}.name`, `"${name}" is reserved (${RESERVED.join(', ')})`);
  const type = str(o.type, `${path}.type`, fail);
  const dec = decimalParts(type.replace(/\s+/g, ''));
  if (!PLAIN_TYPES.includes(type) && !dec)
    fail(`${path}.type`, `unknown type "${type}" (expected one of ${TYPE_LIST})`);
  if (dec && (dec.precision < 1 || dec.precision > 38 || dec.scale > dec.precision)) {
    fail(`${path}.type`, `bad decimal "${type}": precision must be 1–38 and scale 0–precision`);
  }
  const col: ColumnSpec = {
    name,
    type: (dec ? `decimal(${dec.precision},${dec.scale})` : type) as ColumnSpec['type'],
  };
  if (o.description !== undefined)
    col.description = str(o.description, `${path}.description`, fail);
  if (o.nullable !== undefined) col.nullable = bool(o.nullable, `${path}.nullable`, fail);
  const isTime = col.type === 'date' || col.type === 'timestamp';
  if (o.formats !== undefined) {
    if (!isTime)
      fail(
        `${path}.formats`,
        `only date and timestamp columns take formats (this one is ${col.type})`,
      );
    const formats = array(o.formats, `${path}.formats`, fail).map((f, i) =>
      str(f, `${path}.formats[${i}]`, fail, true),
    );
    if (formats.length === 0) fail(`${path}.formats`, 'must list at least one format');
    formats.forEach((f, i) => {
      if (f === 'iso8601') return;
      try {
        checkPattern(f);
      } catch (e) {
        fail(`${path}.formats[${i}]`, `bad date-fns pattern "${f}" (${(e as Error).message})`);
      }
    });
    col.formats = formats;
  }
  if (o.format !== undefined) {
    col.format = oneOf(o.format, ['email'], `${path}.format`, fail) as 'email';
    if (col.type !== 'string') fail(`${path}.format`, 'only string columns take a format');
  }
  if (o.pattern !== undefined) {
    const p = str(o.pattern, `${path}.pattern`, fail);
    try {
      new RegExp(p);
    } catch (e) {
      fail(`${path}.pattern`, `bad regular expression (${(e as Error).message})`);
    }
    col.pattern = p;
  }
  for (const bound of ['min', 'max'] as const) {
    if (o[bound] === undefined) continue;
    col[bound] = checkBound(o[bound], col, `${path}.${bound}`, fail);
  }
  if (o.enum !== undefined) {
    col.enum = array(o.enum, `${path}.enum`, fail).map((v, i) =>
      str(v, `${path}.enum[${i}]`, fail),
    );
    if (col.enum.length === 0) fail(`${path}.enum`, 'must list at least one value');
  }
  for (const len of ['minLength', 'maxLength'] as const) {
    if (o[len] === undefined) continue;
    const n = num(o[len], `${path}.${len}`, fail);
    if (!Number.isInteger(n) || n < 0)
      fail(`${path}.${len}`, `must be a non-negative integer, got ${n}`);
    col[len] = n;
  }
  if (col.minLength !== undefined && col.maxLength !== undefined && col.minLength > col.maxLength) {
    fail(`${path}.minLength`, 'is greater than maxLength');
  }
  return col;
}

/** A min/max must be a value of the column's type: a number, or ISO text for dates/timestamps. */
function checkBound(v: unknown, col: ColumnSpec, path: string, fail: Fail): number | string {
  const t = col.type;
  if (t === 'date' || t === 'timestamp') {
    const s = str(v, path, fail);
    const parsed = t === 'date' ? parseIsoDate(s) : parseIsoTimestamp(s);
    if (Number.isNaN(parsed)) fail(path, `"${s}" is not an ISO-8601 ${t}`);
    return s;
  }
  if (t === 'string' || t === 'boolean')
    return fail(
      path,
      `${t} columns take no ${path.split('.').pop()} (use minLength/maxLength or enum)`,
    );
  const dec = decimalParts(t);
  if (dec || t === 'bigint') {
    if (typeof v !== 'number' && typeof v !== 'string')
      fail(path, 'must be a number or numeric text');
    const parsed = parseDecimal(String(v), 38, dec ? dec.scale : 0);
    if (typeof parsed !== 'bigint') fail(path, `"${String(v)}" is not a ${t} value`);
    return v as number | string;
  }
  return num(v, path, fail);
}

/** Which columns can be compared with each other in a rule. */
function family(type: string): string {
  if (type === 'int' || type === 'bigint' || type === 'double' || type.startsWith('decimal'))
    return 'number';
  return type;
}

function object(v: unknown, path: string, fail: Fail): Obj {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    fail(path, `must be an object, got ${kind(v)}`);
  return v as Obj;
}
function array(v: unknown, path: string, fail: Fail): unknown[] {
  if (!Array.isArray(v)) fail(path, `must be an array, got ${kind(v)}`);
  return v as unknown[];
}
function str(v: unknown, path: string, fail: Fail, nonEmpty = false): string {
  if (typeof v !== 'string') fail(path, `must be a string, got ${kind(v)}`);
  if (nonEmpty && (v as string).length === 0) fail(path, 'must not be empty');
  return v as string;
}
function num(v: unknown, path: string, fail: Fail): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(path, `must be a number, got ${kind(v)}`);
  return v as number;
}
function bool(v: unknown, path: string, fail: Fail): boolean {
  if (typeof v !== 'boolean') fail(path, `must be true or false, got ${kind(v)}`);
  return v as boolean;
}
function oneOf(v: unknown, allowed: string[], path: string, fail: Fail): string {
  if (typeof v !== 'string' || !allowed.includes(v)) {
    fail(
      path,
      `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}, got ${JSON.stringify(v)}`,
    );
  }
  return v as string;
}
function optional<T>(v: unknown, check: (v: unknown) => T): T | undefined {
  return v === undefined ? undefined : check(v);
}
function unknownKeys(o: Obj, allowed: string[], path: string, fail: Fail): void {
  for (const key of Object.keys(o)) {
    if (!allowed.includes(key))
      fail(path ? `${path}.${key}` : key, `unknown field (allowed: ${allowed.join(', ')})`);
  }
}
function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'string' ? `string ${JSON.stringify(v)}` : typeof v;
}

import Papa from 'papaparse';
import { StatesError, StatesErrors } from './errors.js';
import type { AslState, ObjectReader } from './types.js';

const DELIMITERS: Record<string, string> = {
  COMMA: ',',
  PIPE: '|',
  SEMICOLON: ';',
  SPACE: ' ',
  TAB: '\t',
};

/** The evaluated ItemReader settings. */
export interface ReaderRequest {
  resource: string;
  arguments: unknown;
  config: NonNullable<NonNullable<AslState['ItemReader']>['ReaderConfig']>;
  maxItems?: number;
}

function readerFailed(message: string): never {
  throw new StatesError(StatesErrors.ItemReaderFailed, message);
}

/**
 * Reads Map items from one S3 object (`s3:getObject`) as JSON (an array), JSONL or CSV
 * (DG input-output-itemreader.html): CSV rows become objects of strings keyed by the header.
 */
export async function readItems(
  request: ReaderRequest,
  reader: ObjectReader | undefined,
): Promise<unknown[]> {
  if (!/:s3:getObject$/.test(request.resource))
    readerFailed(
      `ItemReader resource '${request.resource}' is not supported locally (only arn:aws:states:::s3:getObject)`,
    );
  if (!reader)
    readerFailed(
      'No objectReader was given to the WorkflowRunner, so ItemReader cannot read S3 objects',
    );
  const args = (request.arguments ?? {}) as { Bucket?: unknown; Key?: unknown };
  if (typeof args.Bucket !== 'string' || typeof args.Key !== 'string')
    readerFailed('ItemReader Arguments must have string Bucket and Key');
  let text: string;
  try {
    text = await reader(args.Bucket, args.Key);
  } catch (err) {
    readerFailed(`Could not read s3://${args.Bucket}/${args.Key}: ${(err as Error).message}`);
  }
  const type = request.config.InputType ?? 'JSON';
  let items: unknown[];
  if (type === 'JSON') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      readerFailed(`s3://${args.Bucket}/${args.Key} is not valid JSON: ${(err as Error).message}`);
    }
    if (!Array.isArray(parsed))
      readerFailed(`s3://${args.Bucket}/${args.Key} must hold a JSON array`);
    items = parsed;
  } else if (type === 'JSONL') {
    items = text
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map((line, i) => {
        try {
          return JSON.parse(line) as unknown;
        } catch {
          return readerFailed(`Line ${i + 1} of s3://${args.Bucket}/${args.Key} is not valid JSON`);
        }
      });
  } else if (type === 'CSV') {
    items = parseCsv(text, request.config);
  } else {
    readerFailed(`ItemReader InputType '${type}' is not supported locally (JSON, JSONL, CSV)`);
  }
  return request.maxItems !== undefined ? items.slice(0, request.maxItems) : items;
}

function parseCsv(text: string, config: ReaderRequest['config']): Record<string, string>[] {
  const delimiter = DELIMITERS[config.CSVDelimiter ?? 'COMMA'] ?? ',';
  const rows = Papa.parse<string[]>(text, { delimiter, skipEmptyLines: true }).data;
  const given = config.CSVHeaderLocation === 'GIVEN';
  const header = given
    ? (config.CSVHeaders ?? readerFailed('CSVHeaderLocation GIVEN needs CSVHeaders'))
    : (rows.shift() ?? []);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i] ?? ''])));
}

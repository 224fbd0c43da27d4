import type { Contract, CsvDialect } from './types.js';

/** The CSV dialect of a contract with every default filled in. */
export interface ResolvedDialect {
  delimiter: string;
  quote: string;
  header: boolean;
  encoding: NonNullable<CsvDialect['encoding']>;
  nullMarkers: string[];
}

/** Null markers used when a contract names none. */
export const DEFAULT_NULL_MARKERS: readonly string[] = ['', 'NULL', 'null', '\\N'];

/** Fill in the CSV dialect defaults of a contract. */
export function dialectOf(contract: Contract): ResolvedDialect {
  const csv = contract.csv ?? {};
  return {
    delimiter: csv.delimiter ?? ',',
    quote: csv.quote ?? '"',
    header: csv.header ?? true,
    encoding: csv.encoding ?? 'utf-8',
    nullMarkers: csv.nullMarkers ?? [...DEFAULT_NULL_MARKERS],
  };
}

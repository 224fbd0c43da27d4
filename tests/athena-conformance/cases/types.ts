/** One conformance case: Athena SQL, Athena's answer, and where that answer is documented. */
export interface AthenaCase {
  /** What the case checks, short. */
  name: string;
  sql: string;
  /** Output columns as Athena names and types them: `name:type`. */
  columns?: string[];
  /** Rows as the engine renders them (timestamps ISO with `T`, decimals over 15 digits as text). */
  rows?: unknown[][];
  /** For a statement Athena refuses: a part of Athena's message. */
  error?: string;
  /** The Trino or Athena document (or test) the expected answer comes from. */
  source: string;
  /** Compare only the first rows of the answer (long DDL text). */
  prefix?: boolean;
  /** A known difference the twin cannot fix (docs/local-twin.md); the case must still fail. */
  differs?: string;
}

export const TRINO = 'https://trino.io/docs/current';
export const ATHENA = 'https://docs.aws.amazon.com/athena/latest/ug';

/** Storage documents: lifecycle rules per bucket, in the shape `sst.aws.Bucket`'s `lifecycle` takes. */

/** One lifecycle rule as `sst.aws.Bucket` takes it (`expiresIn` in days). */
export interface LifecycleRule {
  id: string;
  prefix?: string;
  expiresIn: `${number} day` | `${number} days`;
}

/** Buckets of a stage. */
export type BucketRole = 'ingest' | 'raw' | 'curated' | 'quarantine' | 'athenaResults';

/**
 * Lifecycle per bucket: ingest objects go once copied to raw (raw is the immutable record), Athena
 * results are scratch; raw, curated and quarantine keep everything.
 */
export function lifecycleRules(
  role: BucketRole,
  opts: { ingestDays?: number; resultsDays?: number } = {},
): LifecycleRule[] {
  const days = (n: number): LifecycleRule['expiresIn'] => {
    if (!Number.isInteger(n) || n < 1)
      throw new Error(`lifecycle days must be a positive integer, got ${n}`);
    return n === 1 ? '1 day' : `${n} days`;
  };
  switch (role) {
    case 'ingest':
      return [{ id: 'expire-ingested-uploads', expiresIn: days(opts.ingestDays ?? 7) }];
    case 'athenaResults':
      return [{ id: 'expire-query-results', expiresIn: days(opts.resultsDays ?? 30) }];
    default:
      return [];
  }
}

/**
 * The EventBridge side of the pipeline: the rule's event pattern, and a matcher for the subset of
 * pattern syntax it uses, so tests (and the twin) can check which events start an execution.
 */

/** An EventBridge event pattern: arrays of accepted values, nested objects, or `prefix` matchers. */
export type EventPattern = {
  [field: string]: EventPattern | Array<string | number | { prefix: string }>;
};

/** The pattern of S3 "Object Created" events of one bucket, as S3's EventBridge integration sends them. */
export function objectCreatedPattern(bucketName: string): EventPattern {
  if (!bucketName) throw new Error('bucket name is required for the event pattern');
  return {
    source: ['aws.s3'],
    'detail-type': ['Object Created'],
    detail: { bucket: { name: [bucketName] } },
  };
}

/** Whether `event` matches `pattern` (literal values, `prefix`, nested fields; arrays in the event match any element). */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  if (!event || typeof event !== 'object') return false;
  const record = event as Record<string, unknown>;
  return Object.entries(pattern).every(([field, expected]) => {
    const actual = record[field];
    if (!Array.isArray(expected)) return matchesPattern(expected, actual);
    const values = Array.isArray(actual) ? actual : [actual];
    return values.some((v) =>
      expected.some((e) =>
        typeof e === 'object' ? typeof v === 'string' && v.startsWith(e.prefix) : v === e,
      ),
    );
  });
}

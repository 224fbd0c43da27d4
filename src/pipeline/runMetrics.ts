/**
 * The CloudWatch metrics of a run, as data: which step reports what. Published by `lambdaHandler`
 * through Powertools (EMF log lines, no API call, so no IAM) under one namespace, with the
 * dimensions `service` (`lake`) and `stage`; the stage's alarms watch `FilesQuarantined`.
 *
 * | metric | unit | from | meaning |
 * |---|---|---|---|
 * | `RowsRead`, `RowsCurated`, `RowsRejected` | Count | Commit | rows of the committed file |
 * | `BytesIngested` | Bytes | Commit | size of the uploaded object |
 * | `FilesCommitted` | Count | Commit | 1 per committed (not superseded) file |
 * | `IngestLatency` | Milliseconds | Commit | upload's event time to the end of Commit |
 * | `FilesQuarantined` | Count | Quarantine | 1 per quarantined upload |
 * | `BytesQuarantined` | Bytes | Quarantine | size of the quarantined upload, when the event says it |
 *
 * Only Commit and Quarantine report, once per run each, so a chunk or a retry is never counted twice.
 */

/** The namespace of every metric the pipeline publishes. */
export const METRICS_NAMESPACE = 'Lake';

/** One data point. */
export interface RunMetric {
  name: string;
  unit: 'Count' | 'Bytes' | 'Milliseconds';
  value: number;
}

const num = (v: unknown): number | undefined =>
  typeof v === 'number' && Number.isFinite(v) ? v : undefined;

/** The metrics one step's input and result report (none for the other steps). */
export function runMetrics(
  step: string,
  input: unknown,
  result: unknown,
  now = Date.now(),
): RunMetric[] {
  const out: RunMetric[] = [];
  const push = (name: string, unit: RunMetric['unit'], value: number | undefined) => {
    if (value !== undefined) out.push({ name, unit, value });
  };
  const r = (result ?? {}) as Record<string, unknown>;
  if (step === 'commit') {
    if (r.superseded === true) return out;
    const source = ((input ?? {}) as { source?: { size?: unknown; ingestedAt?: unknown } }).source;
    push('RowsRead', 'Count', num(r.rowsRead));
    push('RowsCurated', 'Count', num(r.rowsCurated));
    push('RowsRejected', 'Count', num(r.rowsRejected));
    push('BytesIngested', 'Bytes', num(source?.size));
    push('FilesCommitted', 'Count', 1);
    const started = typeof source?.ingestedAt === 'string' ? Date.parse(source.ingestedAt) : NaN;
    if (Number.isFinite(started)) push('IngestLatency', 'Milliseconds', Math.max(0, now - started));
  } else if (step === 'quarantine') {
    const event = (input ?? {}) as { event?: { detail?: { object?: { size?: unknown } } } };
    push('FilesQuarantined', 'Count', 1);
    push('BytesQuarantined', 'Bytes', num(event.event?.detail?.object?.size));
  }
  return out;
}

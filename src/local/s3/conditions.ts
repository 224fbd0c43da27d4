/**
 * S3's conditional requests on writes, evaluated by the endpoint under the key's lock:
 * `If-None-Match: *` and `If-Match` on PutObject, CompleteMultipartUpload and CopyObject (the
 * destination), and `x-amz-copy-source-if-*` on CopyObject (the source). A failed condition is
 * S3's `412 PreconditionFailed`; `If-Match` on a missing key is `404 NoSuchKey`, as in S3.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error, type S3ErrorLike } from './s3rverInternals.js';

/** What a write request asks of the object it replaces, and of its copy source. */
export interface WriteConditions {
  ifMatch?: string;
  ifNoneMatch?: '*';
  copySource?: {
    ifMatch?: string;
    ifNoneMatch?: string;
    ifModifiedSince?: Date;
    ifUnmodifiedSince?: Date;
  };
}

/** The state of an object a condition is checked against (undefined: no such object). */
export interface ObjectState {
  etag: string;
  lastModified: Date;
}

const header = (headers: IncomingHttpHeaders, name: string): string | undefined => {
  const v = headers[name];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
};

const date = (v: string | undefined): Date | undefined => {
  if (v === undefined) return undefined;
  const d = new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
};

/** The conditions of a write request's headers; undefined when it sets none. */
export function writeConditionsOf(
  headers: IncomingHttpHeaders,
  isCopy: boolean,
): WriteConditions | undefined {
  const out: WriteConditions = {};
  const ifMatch = header(headers, 'if-match');
  const ifNoneMatch = header(headers, 'if-none-match');
  if (ifMatch !== undefined) out.ifMatch = ifMatch;
  if (ifNoneMatch !== undefined) {
    if (ifNoneMatch !== '*')
      throw new S3Error(
        'NotImplemented',
        'A header you provided implies functionality that is not implemented',
        { Header: 'If-None-Match' },
      );
    out.ifNoneMatch = '*';
  }
  if (isCopy) {
    const source = {
      ifMatch: header(headers, 'x-amz-copy-source-if-match'),
      ifNoneMatch: header(headers, 'x-amz-copy-source-if-none-match'),
      ifModifiedSince: date(header(headers, 'x-amz-copy-source-if-modified-since')),
      ifUnmodifiedSince: date(header(headers, 'x-amz-copy-source-if-unmodified-since')),
    };
    const set = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined));
    if (Object.keys(set).length) out.copySource = set;
  }
  return out.ifMatch || out.ifNoneMatch || out.copySource ? out : undefined;
}

const bare = (etag: string) => etag.replace(/"/g, '').trim();

/** ETag lists as HTTP allows (`"a", "b"`, or `*`) against one ETag. */
function etagMatches(list: string, etag: string): boolean {
  return list
    .split(',')
    .map(bare)
    .some((e) => e === '*' || e === bare(etag));
}

function preconditionFailed(condition: string): S3ErrorLike {
  return new S3Error(
    'PreconditionFailed',
    'At least one of the pre-conditions you specified did not hold',
    { Condition: condition },
  );
}

/** Throws S3's error when the destination conditions do not hold for `current`. */
export function checkDestination(
  conditions: WriteConditions,
  key: string,
  current: ObjectState | undefined,
): void {
  if (conditions.ifNoneMatch && current) throw preconditionFailed('If-None-Match');
  if (conditions.ifMatch !== undefined) {
    if (!current) throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: key });
    if (!etagMatches(conditions.ifMatch, current.etag)) throw preconditionFailed('If-Match');
  }
}

/**
 * Throws 412 when the copy-source conditions do not hold. As S3 documents: a true if-match
 * overrides a false if-unmodified-since, and a false if-none-match wins over if-modified-since.
 */
export function checkCopySource(conditions: WriteConditions, source: ObjectState): void {
  const c = conditions.copySource;
  if (!c) return;
  const modified = Math.floor(source.lastModified.getTime() / 1000) * 1000;
  if (c.ifMatch !== undefined) {
    if (!etagMatches(c.ifMatch, source.etag))
      throw preconditionFailed('x-amz-copy-source-If-Match');
  } else if (c.ifUnmodifiedSince && modified > c.ifUnmodifiedSince.getTime()) {
    throw preconditionFailed('x-amz-copy-source-If-Unmodified-Since');
  }
  if (c.ifNoneMatch !== undefined) {
    if (etagMatches(c.ifNoneMatch, source.etag))
      throw preconditionFailed('x-amz-copy-source-If-None-Match');
  } else if (c.ifModifiedSince && modified <= c.ifModifiedSince.getTime()) {
    throw preconditionFailed('x-amz-copy-source-If-Modified-Since');
  }
}

/**
 * ListObjects (v1) and ListObjectsV2, answered by the twin from its sorted key index instead of by
 * s3rver (whose listing dropped folders that held only folders, never counted common prefixes
 * against max-keys, and ignored `encoding-type=url`, which the AWS CLI always sends).
 * Semantics as in S3's API reference: keys in UTF-8 byte order; with a delimiter, each common
 * prefix is one entry; max-keys counts keys and prefixes; the token resumes after the last entry.
 */
import type { HashedKeyStore } from './HashedKeyStore.js';
import { compareKeys } from './keyOrder.js';
import { requestTarget } from './requestTarget.js';
import { S3Error, S3rverAccount, type KoaMiddleware } from './s3rverInternals.js';

const LIST_PARAMS = new Set([
  'list-type',
  'prefix',
  'delimiter',
  'max-keys',
  'marker',
  'continuation-token',
  'start-after',
  'encoding-type',
  'fetch-owner',
  'x-id',
]);

/** One entry of a listing page. */
export type ListEntry = { key: string } | { prefix: string };

/** A page of a listing. */
export interface ListPage {
  entries: ListEntry[];
  isTruncated: boolean;
  /** The last entry (key or common prefix) of a truncated page. */
  last?: ListEntry;
}

/**
 * One page of `bucket`'s keys: those starting with `prefix`, after `after` (a key, or a common
 * prefix whose keys are all skipped), folded at `delimiter`, at most `maxKeys` entries.
 */
export function listPage(
  store: HashedKeyStore,
  bucket: string,
  options: { prefix: string; delimiter: string; after?: ListEntry; maxKeys: number },
): ListPage {
  const keys = store.index(bucket);
  const { prefix, delimiter, after, maxKeys } = options;
  const entries: ListEntry[] = [];
  if (!keys) return { entries, isTruncated: false };
  let i = keys.lowerBound(prefix);
  if (after) {
    const resume =
      'key' in after ? keys.upperBound(after.key) : skipPrefix(store, bucket, after.prefix);
    i = Math.max(i, resume);
  }
  while (i < keys.size) {
    const key = keys.at(i)!;
    if (!key.startsWith(prefix)) break;
    const d = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry: ListEntry = d >= 0 ? { prefix: key.slice(0, d + delimiter.length) } : { key };
    // A marker that is a common prefix (v1's NextMarker) has been listed already.
    if ('prefix' in entry && after && 'key' in after && compareKeys(entry.prefix, after.key) <= 0) {
      i = skipPrefix(store, bucket, entry.prefix);
      continue;
    }
    if (entries.length >= maxKeys)
      return { entries, isTruncated: true, ...(entries.length ? { last: entries.at(-1)! } : {}) };
    entries.push(entry);
    i = 'prefix' in entry ? skipPrefix(store, bucket, entry.prefix) : i + 1;
  }
  return { entries, isTruncated: false };
}

/** Index of the first key that does not start with `prefix` (at or after its first key). */
function skipPrefix(store: HashedKeyStore, bucket: string, prefix: string): number {
  const keys = store.index(bucket)!;
  let lo = keys.lowerBound(prefix);
  let hi = keys.size;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (keys.at(mid)!.startsWith(prefix)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Answers bucket GETs that are listings; passes every other request on. */
export function listObjectsMiddleware(store: HashedKeyStore): KoaMiddleware {
  return async (ctx, next) => {
    if (ctx.method !== 'GET') return next();
    const { bucket, key, query: q } = requestTarget(ctx.req.url);
    // Path style: "/bucket" or "/bucket/" and only listing parameters.
    if (bucket === undefined || key !== undefined) return next();
    if ([...q.keys()].some((k) => !LIST_PARAMS.has(k))) return next();
    if (!(await store.getBucket(bucket)))
      throw new S3Error('NoSuchBucket', 'The specified bucket does not exist', {
        BucketName: bucket,
      });
    const v2 = q.get('list-type') === '2';
    const prefix = q.get('prefix') ?? '';
    const delimiter = q.get('delimiter') ?? '';
    const maxKeysText = q.get('max-keys');
    if (maxKeysText !== null && !/^\d+$/.test(maxKeysText))
      throw new S3Error(
        'InvalidArgument',
        'Provided max-keys not an integer or within integer range',
        {
          ArgumentName: 'max-keys',
          ArgumentValue: maxKeysText,
        },
      );
    const maxKeys = Math.min(1000, maxKeysText === null ? 1000 : Number(maxKeysText));
    const urlEncoded = q.get('encoding-type') === 'url';
    if (q.has('encoding-type') && !urlEncoded)
      throw new S3Error('InvalidArgument', 'Invalid Encoding Method specified in Request', {
        ArgumentName: 'encoding-type',
      });
    const token = q.get('continuation-token');
    const startAfter = q.get('start-after') ?? undefined;
    const marker = q.get('marker') ?? undefined;
    const after: ListEntry | undefined = v2
      ? token !== null
        ? decodeToken(token)
        : startAfter
          ? { key: startAfter }
          : undefined
      : marker
        ? { key: marker }
        : undefined;
    const page = listPage(store, bucket, { prefix, delimiter, after, maxKeys });
    const enc = (s: string) => xml(urlEncoded ? encodeURIComponent(s) : s);
    const fetchOwner = !v2 || q.get('fetch-owner') === 'true';
    const owner = S3rverAccount.DUMMY_ACCOUNT as { id: string | number; displayName: string };
    const body: string[] = [
      '<?xml version="1.0" encoding="UTF-8"?>',
      '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
      `<Name>${xml(bucket)}</Name>`,
      `<Prefix>${enc(prefix)}</Prefix>`,
    ];
    if (v2) {
      if (token !== null) body.push(`<ContinuationToken>${xml(token)}</ContinuationToken>`);
      if (startAfter !== undefined) body.push(`<StartAfter>${enc(startAfter)}</StartAfter>`);
      body.push(`<KeyCount>${page.entries.length}</KeyCount>`);
    } else {
      body.push(`<Marker>${enc(marker ?? '')}</Marker>`);
    }
    body.push(`<MaxKeys>${maxKeysText ?? 1000}</MaxKeys>`);
    if (delimiter) body.push(`<Delimiter>${enc(delimiter)}</Delimiter>`);
    if (urlEncoded) body.push('<EncodingType>url</EncodingType>');
    body.push(`<IsTruncated>${page.isTruncated}</IsTruncated>`);
    if (page.isTruncated && page.last) {
      if (v2) body.push(`<NextContinuationToken>${encodeToken(page.last)}</NextContinuationToken>`);
      else if (delimiter)
        body.push(
          `<NextMarker>${enc('key' in page.last ? page.last.key : page.last.prefix)}</NextMarker>`,
        );
    }
    for (const entry of page.entries) {
      if (!('key' in entry)) continue;
      const r = store.record(bucket, entry.key)!;
      body.push(
        '<Contents>',
        `<Key>${enc(r.key)}</Key>`,
        `<LastModified>${new Date(r.lastModified).toISOString()}</LastModified>`,
        `<ETag>${xml(JSON.stringify(r.etag))}</ETag>`,
        `<Size>${r.size}</Size>`,
        fetchOwner
          ? `<Owner><ID>${xml(owner.id)}</ID><DisplayName>${xml(owner.displayName)}</DisplayName></Owner>`
          : '',
        '<StorageClass>STANDARD</StorageClass>',
        '</Contents>',
      );
    }
    for (const entry of page.entries) {
      if ('prefix' in entry)
        body.push(`<CommonPrefixes><Prefix>${enc(entry.prefix)}</Prefix></CommonPrefixes>`);
    }
    body.push('</ListBucketResult>');
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body = body.join('');
  };
}

function xml(value: string | number): string {
  return String(value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function encodeToken(entry: ListEntry): string {
  return Buffer.from(JSON.stringify(entry), 'utf8').toString('base64url');
}

function decodeToken(token: string): ListEntry {
  try {
    const v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as Record<
      string,
      unknown
    >;
    if (typeof v.key === 'string') return { key: v.key };
    if (typeof v.prefix === 'string') return { prefix: v.prefix };
  } catch {
    // fall through
  }
  throw new S3Error('InvalidArgument', 'The continuation token provided is incorrect', {
    ArgumentName: 'continuation-token',
  });
}

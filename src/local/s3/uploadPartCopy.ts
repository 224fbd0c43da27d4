/**
 * UploadPartCopy (`PUT ?partNumber&uploadId` with `x-amz-copy-source`), which s3rver does not
 * route: it stored the empty request body as the part, so a multipart copy (what the AWS CLI does
 * for `s3 cp s3://… s3://…` above 8 MiB) silently made an empty object. Here the part is the
 * source's bytes, or the `x-amz-copy-source-range` of them, with the copy-source conditions.
 */
import type { Readable } from 'node:stream';
import type { HashedKeyStore } from './HashedKeyStore.js';
import { checkCopySource, writeConditionsOf } from './conditions.js';
import { requestTarget } from './requestTarget.js';
import { S3Error, type KoaMiddleware } from './s3rverInternals.js';

/** Answers UploadPartCopy requests; passes every other request on. */
export function uploadPartCopyMiddleware(store: HashedKeyStore): KoaMiddleware {
  return async (ctx, next) => {
    const { bucket, key, query } = requestTarget(ctx.req.url);
    const copySource = ctx.req.headers['x-amz-copy-source'];
    const uploadId = query.get('uploadId');
    const partNumber = query.get('partNumber');
    if (ctx.method !== 'PUT' || !bucket || !key || !uploadId || !partNumber || !copySource)
      return next();
    const source = parseCopySource(String(copySource));
    const record = store.record(source.bucket, source.key);
    if (!record)
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: source.key });
    const conditions = writeConditionsOf(ctx.req.headers, true);
    if (conditions)
      checkCopySource(conditions, {
        etag: record.etag,
        lastModified: new Date(record.lastModified),
      });
    const range = parseRange(ctx.req.headers['x-amz-copy-source-range'], record.size);
    const object = await store.getObject(source.bucket, source.key, range);
    if (!object?.content)
      throw new S3Error('NoSuchKey', 'The specified key does not exist.', { Key: source.key });
    const { md5 } = await store.putPart(bucket, uploadId, partNumber, object.content as Readable);
    ctx.status = 200;
    ctx.type = 'application/xml';
    ctx.body =
      '<?xml version="1.0" encoding="UTF-8"?>' +
      '<CopyPartResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">' +
      `<LastModified>${new Date(record.lastModified).toISOString()}</LastModified>` +
      `<ETag>&quot;${md5}&quot;</ETag></CopyPartResult>`;
  };
}

/** `bucket/key` (URL-encoded, optionally with a leading `/` and `?versionId=`). */
function parseCopySource(header: string): { bucket: string; key: string } {
  const [raw] = header.split('?versionId=');
  const value = decodeURIComponent(raw!.startsWith('/') ? raw!.slice(1) : raw!);
  const slash = value.indexOf('/');
  if (slash <= 0)
    throw new S3Error('InvalidArgument', 'Copy Source must mention the source bucket and key', {
      ArgumentName: 'x-amz-copy-source',
    });
  return { bucket: value.slice(0, slash), key: value.slice(slash + 1) };
}

/** `bytes=first-last` within the object, as S3 requires for a copy range. */
function parseRange(
  header: string | string[] | undefined,
  size: number,
): { start: number; end: number } | undefined {
  if (header === undefined) return undefined;
  const match = /^bytes=(\d+)-(\d+)$/.exec(String(header).trim());
  const start = Number(match?.[1]);
  const end = Number(match?.[2]);
  if (!match || start > end || end >= size)
    throw new S3Error(
      'InvalidArgument',
      'The x-amz-copy-source-range value must be of the form bytes=first-last where first and last are the zero-based offsets of the first and last bytes to copy',
      { ArgumentName: 'x-amz-copy-source-range', ArgumentValue: String(header) },
    );
  return { start, end };
}

/**
 * Server-side copy of objects CopyObject refuses (sources above 5 GiB): CreateMultipartUpload,
 * UploadPartCopy of byte ranges (a bounded number in flight), CompleteMultipartUpload; any failure
 * aborts the upload so no parts linger. Every part is pinned to the version HeadObject saw (its
 * version id, else its ETag as `x-amz-copy-source-if-match`), so a concurrent overwrite of the
 * source fails the copy with 412 instead of mixing two versions. When the source carries a
 * full-object CRC64NVME checksum, the upload asks for the same kind and Complete sends the
 * source's value, so S3 itself refuses a copy whose bytes differ.
 */
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCopyCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart, HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';

/** S3's limits on a copy and a multipart upload. */
export const S3_LIMITS = {
  /** CopyObject's largest source. */
  maxCopyObjectBytes: 5 * 1024 ** 3,
  /** Smallest part (all but the last) and largest part. */
  minPartBytes: 5 * 1024 ** 2,
  maxPartBytes: 5 * 1024 ** 3,
  maxParts: 10_000,
} as const;

/** How large objects are copied. */
export interface MultipartCopyOptions {
  /** Objects larger than this are copied part by part. @default 5 GiB (CopyObject's limit) */
  thresholdBytes: number;
  /** Bytes per part; raised when the object would need more than 10,000 parts. @default 512 MiB */
  partBytes: number;
  /** UploadPartCopy requests in flight. @default 8 */
  concurrency: number;
}

/** The defaults: 5 GiB threshold, 512 MiB parts (20 parts for 10 GB), 8 in flight. */
export const MULTIPART_COPY_DEFAULTS: MultipartCopyOptions = {
  thresholdBytes: S3_LIMITS.maxCopyObjectBytes,
  partBytes: 512 * 1024 ** 2,
  concurrency: 8,
};

/** The copy source header: `bucket/key` URL-encoded (keys may hold any character), and `?versionId=`. */
export function copySourceOf(from: { bucket: string; key: string; versionId?: string }): string {
  return (
    `${from.bucket}/${encodeURIComponent(from.key).replace(/%2F/g, '/')}` +
    (from.versionId ? `?versionId=${encodeURIComponent(from.versionId)}` : '')
  );
}

/** Byte ranges `[start, end)` of the parts of an object of `size` bytes. */
export function partRanges(size: number, partBytes: number): Array<{ start: number; end: number }> {
  const bytes = Math.max(partBytes, Math.ceil(size / S3_LIMITS.maxParts));
  const ranges: Array<{ start: number; end: number }> = [];
  for (let start = 0; start < size; start += bytes)
    ranges.push({ start, end: Math.min(size, start + bytes) });
  return ranges;
}

/** Copy `from` (as `head` describes it) to `to` part by part. SDK errors are thrown unmapped. */
export async function multipartCopy(
  client: S3Client,
  from: { bucket: string; key: string; versionId?: string; ifMatch?: string },
  to: { bucket: string; key: string },
  head: HeadObjectCommandOutput,
  options: MultipartCopyOptions,
): Promise<void> {
  const size = head.ContentLength ?? 0;
  const versionId = from.versionId ?? head.VersionId;
  const source = copySourceOf({ ...from, ...(versionId ? { versionId } : {}) });
  const etag = from.ifMatch ?? head.ETag;
  const ifMatch = versionId || !etag ? undefined : quoted(etag);
  const fullCrc =
    head.ChecksumType === 'FULL_OBJECT' && head.ChecksumCRC64NVME
      ? head.ChecksumCRC64NVME
      : undefined;
  const created = await client.send(
    new CreateMultipartUploadCommand({
      Bucket: to.bucket,
      Key: to.key,
      ...(head.ContentType ? { ContentType: head.ContentType } : {}),
      ...(head.Metadata ? { Metadata: head.Metadata } : {}),
      ...(fullCrc
        ? { ChecksumAlgorithm: 'CRC64NVME' as const, ChecksumType: 'FULL_OBJECT' as const }
        : {}),
    }),
  );
  const uploadId = created.UploadId!;
  try {
    const ranges = partRanges(size, options.partBytes);
    const parts: CompletedPart[] = new Array(ranges.length);
    let next = 0;
    const worker = async () => {
      while (next < ranges.length) {
        const i = next++;
        const { start, end } = ranges[i]!;
        const res = await client.send(
          new UploadPartCopyCommand({
            Bucket: to.bucket,
            Key: to.key,
            UploadId: uploadId,
            PartNumber: i + 1,
            CopySource: source,
            CopySourceRange: `bytes=${start}-${end - 1}`,
            ...(ifMatch ? { CopySourceIfMatch: ifMatch } : {}),
          }),
        );
        const r = res.CopyPartResult;
        parts[i] = {
          PartNumber: i + 1,
          ETag: r?.ETag,
          ...(r?.ChecksumCRC64NVME ? { ChecksumCRC64NVME: r.ChecksumCRC64NVME } : {}),
        };
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.concurrency, ranges.length) }, worker));
    await client.send(
      new CompleteMultipartUploadCommand({
        Bucket: to.bucket,
        Key: to.key,
        UploadId: uploadId,
        MultipartUpload: { Parts: parts },
        ...(fullCrc ? { ChecksumCRC64NVME: fullCrc, ChecksumType: 'FULL_OBJECT' as const } : {}),
      }),
    );
  } catch (err) {
    await client
      .send(new AbortMultipartUploadCommand({ Bucket: to.bucket, Key: to.key, UploadId: uploadId }))
      .catch(() => undefined); // the original failure is the one worth reporting
    throw err;
  }
}

/** An ETag as HTTP conditions carry it: in double quotes (events and listings may drop them). */
export function quoted(etag: string): string {
  return etag.startsWith('"') ? etag : `"${etag}"`;
}

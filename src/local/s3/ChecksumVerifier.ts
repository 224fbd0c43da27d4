/**
 * Passes a plain (not aws-chunked) request body through unchanged while checking the
 * `x-amz-checksum-*` headers the client sent, so a body damaged in transit is refused, not stored.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { createChecksum, type RunningChecksum } from './checksums.js';
import { S3Error } from './s3rverInternals.js';

/** A pass-through Transform that fails at the end when a declared checksum does not match. */
export class ChecksumVerifier extends Transform {
  private readonly checksums: Array<{ sent: string; checksum: RunningChecksum }> = [];

  /** `headerChecksums` maps `x-amz-checksum-<alg>` to the base64 value the client sent. */
  constructor(headerChecksums: Record<string, string>) {
    super();
    for (const [name, sent] of Object.entries(headerChecksums)) {
      const checksum = createChecksum(name.replace(/^x-amz-checksum-/, ''));
      if (checksum) this.checksums.push({ sent, checksum });
    }
  }

  /** True when at least one declared checksum can be verified. */
  get verifies(): boolean {
    return this.checksums.length > 0;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    for (const { checksum } of this.checksums) checksum.update(chunk);
    callback(null, chunk);
  }

  override _flush(callback: TransformCallback): void {
    for (const { sent, checksum } of this.checksums) {
      const actual = checksum.digestBase64();
      if (sent !== actual) {
        callback(
          new S3Error(
            'BadDigest',
            `The ${checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum (sent ${sent}, calculated ${actual}).`,
          ),
        );
        return;
      }
    }
    callback();
  }
}

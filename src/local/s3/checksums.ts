/**
 * Incremental checksums for the algorithms S3's flexible checksums use, so the endpoint can check
 * the `x-amz-checksum-*` value a client sends (as a header or as an aws-chunked trailer) against
 * the bytes it actually received.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';

/** A running checksum that ends in the base64 text S3 puts in `x-amz-checksum-<alg>`. */
export interface RunningChecksum {
  readonly algorithm: string;
  update(chunk: Uint8Array): void;
  digestBase64(): string;
}

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0x82f63b78 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crcToBase64(value: number): string {
  const out = Buffer.alloc(4);
  out.writeUInt32BE(value >>> 0);
  return out.toString('base64');
}

class Crc32 implements RunningChecksum {
  readonly algorithm = 'crc32';
  private value = 0;
  update(chunk: Uint8Array): void {
    this.value = crc32(chunk, this.value);
  }
  digestBase64(): string {
    return crcToBase64(this.value);
  }
}

class Crc32c implements RunningChecksum {
  readonly algorithm = 'crc32c';
  private value = 0xffffffff;
  update(chunk: Uint8Array): void {
    let c = this.value;
    for (let i = 0; i < chunk.length; i++) c = CRC32C_TABLE[(c ^ chunk[i]!) & 0xff]! ^ (c >>> 8);
    this.value = c;
  }
  digestBase64(): string {
    return crcToBase64(this.value ^ 0xffffffff);
  }
}

class Digest implements RunningChecksum {
  private readonly hash;
  constructor(readonly algorithm: 'sha1' | 'sha256') {
    this.hash = createHash(algorithm);
  }
  update(chunk: Uint8Array): void {
    this.hash.update(chunk);
  }
  digestBase64(): string {
    return this.hash.digest('base64');
  }
}

/**
 * A running checksum for `x-amz-checksum-<algorithm>`, or undefined for an algorithm the twin
 * does not verify (crc64nvme): such uploads are stored unverified, as the framing is still decoded.
 */
export function createChecksum(algorithm: string): RunningChecksum | undefined {
  switch (algorithm.toLowerCase()) {
    case 'crc32':
      return new Crc32();
    case 'crc32c':
      return new Crc32c();
    case 'sha1':
      return new Digest('sha1');
    case 'sha256':
      return new Digest('sha256');
    default:
      return undefined;
  }
}

/** The algorithm named by a checksum header such as `x-amz-checksum-crc32`, or undefined. */
export function checksumAlgorithmOf(headerName: string): string | undefined {
  const match = /^x-amz-checksum-([a-z0-9]+)$/i.exec(headerName.trim());
  if (!match || match[1]!.toLowerCase() === 'type' || match[1]!.toLowerCase() === 'algorithm') {
    return undefined;
  }
  return match[1]!.toLowerCase();
}

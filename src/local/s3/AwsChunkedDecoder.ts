/**
 * Decodes an `aws-chunked` request body (SigV4 streaming, signed or unsigned, with or without a
 * trailing checksum) into the object bytes, and checks what the client declared: the decoded
 * length (`x-amz-decoded-content-length`) and the trailing `x-amz-checksum-*` value.
 *
 * Framing: `<hex size>[;chunk-signature=<sig>]\r\n<data>\r\n` repeated, then a zero-size chunk,
 * then optional trailer lines `name:value\r\n` and a final `\r\n` (AWS SDK v3 omits the final CRLF
 * and the trailer when it sends no checksum). Chunk signatures are not verified (s3rver does not
 * verify SigV4 either); everything else is, and a body that does not add up is refused.
 */
import { Transform, type TransformCallback } from 'node:stream';
import { createChecksum, type RunningChecksum } from './checksums.js';
import { S3Error } from './s3rverInternals.js';

/** What the request headers declare about an aws-chunked body. */
export interface AwsChunkedOptions {
  /** `x-amz-decoded-content-length`, when sent. */
  decodedLength?: number;
  /** Lower-case trailer names announced in `x-amz-trailer`, e.g. `x-amz-checksum-crc32`. */
  trailerNames?: string[];
  /** Checksums sent as headers (`x-amz-checksum-<alg>` → base64 value). */
  headerChecksums?: Record<string, string>;
}

const MAX_LINE = 8192;
const CRLF = Buffer.from('\r\n');

type State = 'size' | 'data' | 'dataEnd' | 'trailer' | 'done';

/** A Transform from aws-chunked framing to the plain object bytes. */
export class AwsChunkedDecoder extends Transform {
  private state: State = 'size';
  private pending: Buffer = Buffer.alloc(0);
  private remaining = 0;
  private decoded = 0;
  private readonly checksums = new Map<string, RunningChecksum>();
  private readonly trailerValues = new Map<string, string>();

  constructor(private readonly options: AwsChunkedOptions = {}) {
    super();
    for (const name of [
      ...(options.trailerNames ?? []),
      ...Object.keys(options.headerChecksums ?? {}),
    ]) {
      const algorithm = /^x-amz-checksum-(.+)$/.exec(name)?.[1];
      const checksum = algorithm ? createChecksum(algorithm) : undefined;
      if (checksum) this.checksums.set(name, checksum);
    }
  }

  /** Bytes of object data decoded so far. */
  get decodedLength(): number {
    return this.decoded;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, callback: TransformCallback): void {
    try {
      this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
      this.consume();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    try {
      if (this.state === 'trailer' && this.pending.length > 0) {
        // A last trailer line without its CRLF: accept it as the end of the body.
        this.readTrailerLine(this.pending.toString('latin1'));
        this.pending = Buffer.alloc(0);
      }
      if (this.state !== 'trailer' && this.state !== 'done') {
        throw malformed(`the body ended inside a chunk (state ${this.state})`, 'IncompleteBody');
      }
      this.verify();
      callback();
    } catch (err) {
      callback(err as Error);
    }
  }

  private consume(): void {
    for (;;) {
      if (this.state === 'data') {
        if (this.pending.length === 0) return;
        const take = Math.min(this.remaining, this.pending.length);
        const data = this.pending.subarray(0, take);
        this.pending = this.pending.subarray(take);
        this.remaining -= take;
        this.decoded += take;
        for (const checksum of this.checksums.values()) checksum.update(data);
        this.push(data);
        if (this.remaining === 0) this.state = 'dataEnd';
        continue;
      }
      if (this.state === 'dataEnd') {
        if (this.pending.length < 2) return;
        if (!this.pending.subarray(0, 2).equals(CRLF))
          throw malformed('a chunk is not followed by CRLF');
        this.pending = this.pending.subarray(2);
        this.state = 'size';
        continue;
      }
      if (this.state === 'done') {
        if (this.pending.length > 0) throw malformed('bytes after the end of the aws-chunked body');
        return;
      }
      const end = this.pending.indexOf(CRLF);
      if (end < 0) {
        if (this.pending.length > MAX_LINE) throw malformed('a chunk header line is too long');
        return;
      }
      const line = this.pending.subarray(0, end).toString('latin1');
      this.pending = this.pending.subarray(end + 2);
      if (this.state === 'size') this.readSizeLine(line);
      else this.readTrailerLine(line);
    }
  }

  private readSizeLine(line: string): void {
    const sizeText = line.split(';', 1)[0]!.trim();
    if (!/^[0-9a-fA-F]{1,16}$/.test(sizeText))
      throw malformed(`bad chunk size line "${line.slice(0, 80)}"`);
    const size = Number.parseInt(sizeText, 16);
    if (!Number.isSafeInteger(size)) throw malformed('chunk size out of range');
    if (size === 0) {
      this.state = 'trailer';
    } else {
      this.remaining = size;
      this.state = 'data';
    }
  }

  private readTrailerLine(line: string): void {
    if (line === '') {
      this.state = 'done';
      return;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) throw malformed(`bad trailer line "${line.slice(0, 80)}"`);
    this.trailerValues.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
  }

  private verify(): void {
    const expected = this.options.decodedLength;
    if (expected !== undefined && expected !== this.decoded) {
      throw new S3Error(
        'IncompleteBody',
        `x-amz-decoded-content-length says ${expected} bytes but the aws-chunked body held ${this.decoded}`,
      );
    }
    for (const name of this.options.trailerNames ?? []) {
      if (!this.trailerValues.has(name)) {
        throw new S3Error(
          'InvalidRequest',
          `the trailer ${name} announced in x-amz-trailer was not sent`,
        );
      }
    }
    for (const [name, checksum] of this.checksums) {
      const sent = this.trailerValues.get(name) ?? this.options.headerChecksums?.[name];
      const actual = checksum.digestBase64();
      if (sent !== undefined && sent !== actual) {
        throw new S3Error(
          'BadDigest',
          `The ${checksum.algorithm.toUpperCase()} you specified did not match the calculated checksum (sent ${sent}, calculated ${actual}).`,
        );
      }
    }
  }
}

function malformed(reason: string, code = 'InvalidRequest'): Error {
  return new S3Error(code, `Malformed aws-chunked body: ${reason}.`);
}

/** True when the request body uses aws-chunked framing (by Content-Encoding or the SigV4 mode). */
export function isAwsChunked(headers: Record<string, string | string[] | undefined>): boolean {
  const encoding = String(headers['content-encoding'] ?? '').toLowerCase();
  const sha = String(headers['x-amz-content-sha256'] ?? '').toUpperCase();
  return (
    encoding.split(',').some((e) => e.trim() === 'aws-chunked') || sha.startsWith('STREAMING-')
  );
}

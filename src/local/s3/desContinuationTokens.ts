/**
 * s3rver encrypts ListObjectsV2 continuation tokens with single DES, which OpenSSL 3 (Node ≥ 17)
 * no longer offers: every listing longer than one page failed with InternalError. Triple DES with
 * three equal keys is single DES, bit for bit, and OpenSSL 3 still has it; so `des` calls are
 * answered by `des-ede3-cbc`. Other algorithms are untouched.
 */
import { createRequire } from 'node:module';
import type * as NodeCrypto from 'node:crypto';
import type { BinaryLike, CipherKey } from 'node:crypto';

const require = createRequire(import.meta.url);
const crypto = require('node:crypto') as typeof NodeCrypto;

let applied = false;

/** Make `crypto.createCipheriv('des', …)` / `createDecipheriv` work again for s3rver's tokens. */
export function enableDesContinuationTokens(): void {
  if (applied) return;
  applied = true;
  const tripled = (key: CipherKey) => Buffer.concat([key as Buffer, key as Buffer, key as Buffer]);
  const { createCipheriv, createDecipheriv } = crypto;
  const patched = crypto as unknown as Record<string, unknown>;
  patched.createCipheriv = (
    algorithm: string,
    key: CipherKey,
    iv: BinaryLike | null,
    options?: unknown,
  ) =>
    algorithm === 'des'
      ? createCipheriv('des-ede3-cbc', tripled(key), iv)
      : (createCipheriv as (...a: unknown[]) => unknown)(algorithm, key, iv, options);
  patched.createDecipheriv = (
    algorithm: string,
    key: CipherKey,
    iv: BinaryLike | null,
    options?: unknown,
  ) =>
    algorithm === 'des'
      ? createDecipheriv('des-ede3-cbc', tripled(key), iv)
      : (createDecipheriv as (...a: unknown[]) => unknown)(algorithm, key, iv, options);
}

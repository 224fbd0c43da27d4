import type { Contract } from './types.js';
import { UnknownDatasetError } from './errors.js';
import { matchGlob } from './glob.js';

/** Suffixes of compressed uploads, removed before matching (`users*.csv` matches `users.csv.gz`). */
const COMPRESSION_SUFFIX = /\.(gz|gzip|zst)$/i;

/**
 * The contract whose `files` patterns match the object key's file name (its last segment), or
 * that name without a compression suffix; the first in the given order wins. None:
 * `UnknownDatasetError` (terminal: the file is quarantined). Whether the bytes are compressed is
 * decided by the bytes (Validate), not by the name.
 */
export function resolveDataset(contracts: readonly Contract[], objectKey: string): Contract {
  const fileName = objectKey.slice(objectKey.lastIndexOf('/') + 1);
  const names = [fileName, fileName.replace(COMPRESSION_SUFFIX, '')];
  for (const contract of contracts) {
    if (contract.files.some((pattern) => names.some((n) => matchGlob(pattern, n)))) return contract;
  }
  throw new UnknownDatasetError(`no dataset contract matches file name "${fileName}"`, {
    key: objectKey,
    file: fileName,
  });
}

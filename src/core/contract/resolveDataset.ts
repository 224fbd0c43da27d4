import type { Contract } from './types.js';
import { UnknownDatasetError } from './errors.js';
import { matchGlob } from './glob.js';

/**
 * The contract whose `files` patterns match the object key's file name (its last segment); the
 * first in the given order wins. None: `UnknownDatasetError` (terminal: the file is quarantined).
 */
export function resolveDataset(contracts: readonly Contract[], objectKey: string): Contract {
  const fileName = objectKey.slice(objectKey.lastIndexOf('/') + 1);
  for (const contract of contracts) {
    if (contract.files.some((pattern) => matchGlob(pattern, fileName))) return contract;
  }
  throw new UnknownDatasetError(`no dataset contract matches file name "${fileName}"`, {
    key: objectKey,
    file: fileName,
  });
}

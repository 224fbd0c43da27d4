/** Which dataset a file name belongs to, for summaries of runs that failed before saying so. */
import { matchGlob } from '../core/contract/index.js';
import type { Contract } from '../core/contract/types.js';

/** The dataset whose `files` patterns match the key's file name (first contract wins), if any. */
export function datasetOfFile(contracts: readonly Contract[], key: string): string | undefined {
  const name = key.slice(key.lastIndexOf('/') + 1);
  return contracts.find((c) => c.files.some((p) => matchGlob(p, name)))?.dataset;
}

/** `users: users*.csv; jobs: jobs*.csv, …`: what an unknown file name could have been. */
export function filePatterns(contracts: readonly Contract[]): string {
  return contracts.map((c) => `${c.dataset}: ${c.files.join(', ')}`).join('; ');
}

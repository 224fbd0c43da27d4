import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Contract } from './types.js';
import { ContractError } from './errors.js';
import { parseContract } from './parseContract.js';

/** Read and check one contract file. */
export async function loadContract(path: string): Promise<Contract> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (cause) {
    throw new ContractError(
      `${path}: cannot read (${(cause as Error).message})`,
      { file: path },
      { cause },
    );
  }
  return parseContract(text, path);
}

/**
 * Read and check every `*.json` contract in `dir`, sorted by file name. Dataset names must be
 * unique and a contract must live in `<dataset>.json`.
 */
export async function loadContracts(dir = 'schemas'): Promise<Contract[]> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.json')).sort();
  const contracts: Contract[] = [];
  for (const name of names) {
    const path = join(dir, name);
    const contract = await loadContract(path);
    if (`${contract.dataset}.json` !== name) {
      throw new ContractError(
        `${path}: dataset: "${contract.dataset}" must be stored as ${contract.dataset}.json`,
        {
          file: path,
          field: 'dataset',
        },
      );
    }
    contracts.push(contract);
  }
  return contracts;
}

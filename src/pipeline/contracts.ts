import { UnknownDatasetError } from '../core/contract/errors.js';
import type { Contract } from '../core/contract/types.js';
import type { PipelineDeps } from './deps.js';

/** The contract of a dataset named in a payload; gone since CopyToRaw means a terminal error. */
export function contractFor(deps: PipelineDeps, dataset: string): Contract {
  const contract = deps.contracts.find((c) => c.dataset === dataset);
  if (!contract)
    throw new UnknownDatasetError(`no contract for dataset "${dataset}" in schemas/`, { dataset });
  return contract;
}

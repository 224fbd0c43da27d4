/** The console's backend over a twin running in this process (what `lake dev` serves). */
import { loadIngestTemplate } from '../../workflows/render.js';
import type { Contract } from '../../src/core/contract/types.js';
import type { Twin } from '../../src/local/twin.js';
import type { ConsoleBackend, QueryAnswer } from './consoleBackend.js';

/** A backend reading `twin`; `query` is the CLI's query path, so errors read as the CLI's. */
export function twinBackend(
  twin: Pick<Twin, 'config' | 'runner' | 'catalog' | 'store'>,
  options: { contracts: Contract[]; query: (sql: string) => Promise<QueryAnswer> },
): ConsoleBackend {
  return {
    config: twin.config,
    runner: twin.runner,
    catalog: twin.catalog,
    store: twin.store,
    definition: loadIngestTemplate(),
    contracts: options.contracts,
    query: options.query,
  };
}

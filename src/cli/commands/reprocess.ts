/** `lake reprocess DATASET|RAW_KEY`: run stored raw files through the current contract again. */
import type { TwinConfig } from '../../local/twinConfig.js';
import { rawSources } from '../../pipeline/reprocess.js';
import { printRunSummaries, waitForAll } from '../executionView.js';
import { withTwin } from '../twinHandle.js';
import { EXIT } from '../errors.js';

/** Start one execution per raw file (same source ids, so the rerun replaces the earlier rows) and wait. */
export async function reprocess(
  config: TwinConfig,
  target: string,
  print: (line: string) => void,
): Promise<number> {
  return withTwin(config, {}, async (twin) => {
    const sources = await rawSources(
      { store: twin.store, contracts: twin.contracts, buckets: twin.buckets },
      target,
    );
    print(`  reprocessing ${sources.length} raw file(s) of ${target}…`);
    const arns = [];
    for (const source of sources)
      arns.push((await twin.executions.startExecution({ input: { source } })).executionArn);
    const done = await waitForAll(twin.executions, arns);
    printRunSummaries(done, print, false, twin.contracts);
    return done.every((d) => d.status === 'SUCCEEDED') ? EXIT.ok : EXIT.failed;
  });
}

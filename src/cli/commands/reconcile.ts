/**
 * `lake reconcile`: start an execution for every upload in the ingest bucket that no execution
 * has finished with (no manifest and no quarantine report names its version). The sweep for
 * events that never arrived; safe to repeat, since execution names are fixed by the version.
 */
import type { TwinConfig } from '../../local/twinConfig.js';
import { pendingUploads } from '../../pipeline/reconcile.js';
import { summaryTable, waitForAll } from '../executionView.js';
import { withTwin } from '../twinHandle.js';
import { EXIT } from '../errors.js';

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** List what would start, start nothing. */
  dryRun: boolean;
  /** Wait for the started executions and print their summaries. */
  wait: boolean;
}

export async function reconcile(
  config: TwinConfig,
  options: ReconcileOptions,
  print: (line: string) => void,
): Promise<number> {
  return withTwin(config, {}, async (twin) => {
    const pending = await pendingUploads({
      store: twin.store,
      contracts: twin.contracts,
      buckets: twin.buckets,
    });
    if (pending.length === 0) {
      print(`  every upload in ${twin.buckets.ingest} is accounted for`);
      return EXIT.ok;
    }
    print(`  ${pending.length} upload(s) in ${twin.buckets.ingest} have no finished execution:`);
    for (const p of pending) print(`    ${p.object.key}  (${p.executionName})`);
    if (options.dryRun) return EXIT.ok;
    const arns: string[] = [];
    for (const p of pending) {
      try {
        const started = await twin.executions.startExecution({
          input: p.input,
          name: p.executionName,
        });
        arns.push(started.executionArn);
      } catch (err) {
        // An earlier sweep started it and it has not finished yet: nothing to add.
        if ((err as Error).name !== 'ExecutionAlreadyExists') throw err;
        print(`    ${p.object.key}: already started by an earlier sweep`);
      }
    }
    if (!options.wait || arns.length === 0) return EXIT.ok;
    const done = await waitForAll(twin.executions, arns);
    print(summaryTable(done));
    return done.every((d) => d.status === 'SUCCEEDED') ? EXIT.ok : EXIT.failed;
  });
}

/**
 * `lake --stage NAME dead-letters [--replay]`: the ingest events EventBridge could not deliver
 * (kept in the stage's SQS dead-letter queue), and replaying them as the executions they should
 * have started. Replays use `lake reconcile`'s execution names, so neither starts an upload twice.
 */
import { listDeadLetters, replayDeadLetters, type DeadLetter } from '../../aws/deadLetters.js';
import { stageNames } from '../../aws/stageNames.js';
import type { TwinConfig } from '../../local/twinConfig.js';
import { CliError, EXIT } from '../errors.js';
import { withTwin } from '../twinHandle.js';

export async function deadLetters(
  config: TwinConfig,
  options: { replay: boolean },
  print: (line: string) => void,
): Promise<number> {
  const stage = config.stage;
  if (!stage)
    throw new CliError(
      'dead letters are kept by a deployed stage; the twin acknowledges an upload only once its execution started',
      EXIT.usage,
      'lake --stage NAME dead-letters; in the twin, lake reconcile finds uploads without an execution',
    );
  const { sqsDeadLetterQueue } = await import('../../aws/sqsDeadLetterQueue.js');
  return withTwin(config, {}, async (twin) => {
    const queue = await sqsDeadLetterQueue(stageNames(stage).deadLetterQueue);
    if (!options.replay) {
      const letters = await listDeadLetters(queue);
      print(`  ${letters.length} dead letter(s) in ${stageNames(stage).deadLetterQueue}`);
      for (const l of letters) print(`    ${describe(l)}`);
      return EXIT.ok;
    }
    const result = await replayDeadLetters(queue, async (name, input) => {
      try {
        await twin.executions.startExecution({ name, input });
        return 'started';
      } catch (err) {
        if ((err as Error).name === 'ExecutionAlreadyExists') return 'exists';
        throw err;
      }
    });
    for (const l of result.started) print(`  started   ${describe(l)}`);
    for (const l of result.existing) print(`  existed   ${describe(l)}`);
    for (const l of result.skipped) print(`  kept      ${describe(l)} (${l.unreplayable})`);
    return result.skipped.length ? EXIT.failed : EXIT.ok;
  });
}

function describe(l: DeadLetter): string {
  const what = l.key ? `s3://${l.bucket}/${l.key}` : l.messageId;
  const why = [l.errorCode, l.errorMessage].filter(Boolean).join(': ');
  return `${what}${l.eventTime ? ` at ${l.eventTime}` : ''}${why ? ` (${why})` : ''}`;
}

/** Live progress of executions, one line per step, from the runner's history events. */
import { safeJson, shortName, sourceKeyOfInput } from './executionView.js';

interface EventLike {
  executionArn: string;
  type: string;
  executionStartedEventDetails?: { input?: string };
  stateEnteredEventDetails?: { name?: string; input?: string };
  executionSucceededEventDetails?: { output?: string };
  executionFailedEventDetails?: { error?: string; cause?: string };
  taskFailedEventDetails?: { error?: string };
  lambdaFunctionFailedEventDetails?: { error?: string };
}

const STEPS = new Set([
  'CopyToRaw',
  'Validate',
  'TransformChunks',
  'TransformChunksDistributed',
  'Commit',
  'Quarantine',
]);

/** A history-event listener that prints progress lines through `print`. */
export function progressPrinter(print: (line: string) => void): (event: EventLike) => void {
  const files = new Map<string, string>();
  return (event) => {
    const file = () => files.get(event.executionArn) ?? shortName(event.executionArn);
    switch (event.type) {
      case 'ExecutionStarted':
      case 'ExecutionRedriven':
        files.set(
          event.executionArn,
          sourceKeyOfInput(safeJson(event.executionStartedEventDetails?.input) ?? {}),
        );
        print(
          `  ${file()}: ${event.type === 'ExecutionRedriven' ? 'redriven' : 'started'} (${shortName(event.executionArn)})`,
        );
        break;
      case 'TaskStateEntered':
      case 'MapStateEntered': {
        const name = event.stateEnteredEventDetails?.name ?? '';
        if (!STEPS.has(name)) break;
        const chunks = (
          safeJson(event.stateEnteredEventDetails?.input) as { chunks?: unknown[] } | undefined
        )?.chunks;
        print(
          `  ${file()}: ${name}${chunks ? ` (${chunks.length} chunk${chunks.length === 1 ? '' : 's'})` : ''}`,
        );
        break;
      }
      case 'TaskFailed':
      case 'LambdaFunctionFailed': {
        const error =
          event.taskFailedEventDetails?.error ?? event.lambdaFunctionFailedEventDetails?.error;
        print(`  ${file()}: attempt failed with ${error ?? 'an error'}`);
        break;
      }
      case 'ExecutionSucceeded': {
        const s = safeJson(event.executionSucceededEventDetails?.output) as
          { rowsRead?: number; rowsCurated?: number; rowsRejected?: number } | undefined;
        print(
          `  ${file()}: done: ${s?.rowsRead ?? '?'} rows read, ${s?.rowsCurated ?? '?'} curated, ${s?.rowsRejected ?? '?'} rejected`,
        );
        break;
      }
      case 'ExecutionFailed':
        print(
          `  ${file()}: FAILED with ${event.executionFailedEventDetails?.error ?? 'an error'} (quarantined)`,
        );
        break;
    }
  };
}

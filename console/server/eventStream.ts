/**
 * Server-sent events of the runner's history events, as they happen (the runner's subscriber
 * API, no polling). Each message is small: which execution, which event, which state; the page
 * then reads only the execution that moved.
 */
import type { ServerResponse } from 'node:http';
import type { ExecutionEvent } from '../../src/local/workflow/index.js';
import type { ConsoleRunner } from './consoleBackend.js';

/** One message of the stream. */
export interface ConsoleEvent {
  executionArn: string;
  type: string;
  id: number;
  timestamp: string;
  /** The state a state event names. */
  state?: string;
  /** False for a Distributed Map's child execution (the list shows top-level executions only). */
  topLevel: boolean;
}

/** A keep-alive comment this often, so proxies and the browser keep the stream open. */
export const HEARTBEAT_MS = 15_000;

function toConsoleEvent(event: ExecutionEvent, topLevelPrefix: string): ConsoleEvent {
  const details = Object.entries(event).find(([k]) => k.endsWith('EventDetails'))?.[1] as
    { name?: unknown } | undefined;
  return {
    executionArn: event.executionArn,
    type: String(event.type),
    id: event.id,
    timestamp: new Date(event.timestamp).toISOString(),
    ...(typeof details?.name === 'string' ? { state: details.name } : {}),
    topLevel: event.executionArn.startsWith(topLevelPrefix),
  };
}

/** Serve the stream on `res` until the client goes away. */
export function streamEvents(runner: ConsoleRunner, res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  res.write(': lake console events\n\n');
  // Top-level executions are `…:execution:<machine>:<name>`; children name `<machine>/<map>`.
  const prefix = `${runner.stateMachineArn.replace(':stateMachine:', ':execution:')}:`;
  const unsubscribe = runner.subscribe((event) => {
    res.write(`data: ${JSON.stringify(toConsoleEvent(event, prefix))}\n\n`);
  });
  const heartbeat = setInterval(() => res.write(': ping\n\n'), HEARTBEAT_MS);
  heartbeat.unref();
  const stop = () => {
    clearInterval(heartbeat);
    unsubscribe();
  };
  res.on('close', stop);
  res.on('error', stop);
}

/**
 * Calls to the console's API. The token comes from the page's own URL (`?token=`, as `lake dev`
 * printed it), stays in memory and goes in `Authorization: Bearer` on each call: never a cookie.
 */

const token = new URLSearchParams(location.search).get('token') ?? '';

/** An API error: `name`, `message` and, for queries, the CLI's `hint`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(path, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const value = (await res.json()) as { name?: string; message?: string; hint?: string };
  if (!res.ok)
    throw new ApiError(value.name ?? 'Error', value.message ?? res.statusText, value.hint);
  return value as T;
}

/** GET a JSON resource. */
export const get = <T>(path: string) => call<T>('GET', path);

/** POST a JSON body. */
export const post = <T>(path: string, body: unknown) => call<T>('POST', path, body);

/** A runner event, as the server streams it. */
export interface ConsoleEvent {
  executionArn: string;
  type: string;
  id: number;
  timestamp: string;
  state?: string;
  topLevel: boolean;
}

/**
 * Follow the server-sent events. EventSource cannot send a header, so this reads the stream with
 * fetch; it reconnects after a second when the stream ends.
 */
export function followEvents(onEvent: (event: ConsoleEvent) => void): void {
  const connect = async () => {
    try {
      const res = await fetch('/api/events', { headers: { authorization: `Bearer ${token}` } });
      if (!res.ok || !res.body) throw new Error(`events: ${res.status}`);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const message = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const data = message
            .split('\n')
            .filter((l) => l.startsWith('data: '))
            .map((l) => l.slice(6))
            .join('\n');
          if (data) onEvent(JSON.parse(data) as ConsoleEvent);
        }
      }
    } catch {
      // The twin stopped or restarted: try again shortly.
    }
    setTimeout(() => void connect(), 1000);
  };
  void connect();
}

/**
 * The rules every HTTP service of the twin applies before it serves a request (the control API
 * now, the console of `lake dev` later). The twin binds 127.0.0.1 only, yet any web page open in
 * the user's browser can reach loopback:
 *  - a "simple" cross-origin request (POST with `text/plain`, no preflight) reaches the handler,
 *    so a page could start executions: refused by the token, the Origin check and the JSON-only
 *    body rule;
 *  - DNS rebinding points a foreign name at 127.0.0.1 and makes the page same-origin with us, so
 *    it could read responses: refused because its `Host` is not a loopback name.
 * A browser cannot read the token (it lives in `.lake/twin.json`, mode 0600) nor forge `Host`.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** A refused request: the HTTP status and a JSON body `{ name, message }`. */
export class GuardRefusal extends Error {
  override name = 'GuardRefusal';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The header that carries the per-start token, as `Authorization: Bearer <token>`. */
export const TOKEN_HEADER = 'authorization';

/** `Authorization: Bearer <token>` for a client of the twin. */
export function tokenHeaders(token: string): Record<string, string> {
  return { authorization: `Bearer ${token}` };
}

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** True for `127.0.0.1:port`, `localhost:port` or `[::1]:port` with the port we listen on. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  if (!host) return false;
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(host.toLowerCase());
  return !!match && LOOPBACK_NAMES.has(match[1]!) && Number(match[2]) === port;
}

/** True for an origin of this very server (`http://` + a loopback host of our port). */
export function isOwnOrigin(origin: string, port: number): boolean {
  if (!origin.startsWith('http://')) return false;
  const rest = origin.slice('http://'.length);
  return !rest.includes('/') && isLoopbackHost(rest, port);
}

function sameToken(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  // Constant time, so the token cannot be guessed byte by byte from response times.
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Throws GuardRefusal unless the request comes with a loopback `Host` of `port`, no foreign
 * `Origin` (nor a cross-site `Sec-Fetch-Site`), and the bearer token.
 */
export function guardRequest(req: IncomingMessage, options: { port: number; token: string }): void {
  if (!isLoopbackHost(req.headers.host, options.port)) {
    throw new GuardRefusal(
      403,
      'ForbiddenHost',
      `Host ${JSON.stringify(req.headers.host ?? '')} is not this loopback server (127.0.0.1:${options.port})`,
    );
  }
  const origin = req.headers.origin;
  // `Origin: null` (sandboxed frames, file: pages) is foreign too.
  if (origin !== undefined && !isOwnOrigin(origin, options.port)) {
    throw new GuardRefusal(403, 'ForbiddenOrigin', `requests from ${origin} are not accepted`);
  }
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin' && site !== 'none') {
    throw new GuardRefusal(
      403,
      'ForbiddenOrigin',
      `cross-site requests are not accepted (${site})`,
    );
  }
  const auth = req.headers[TOKEN_HEADER] ?? '';
  const given = /^Bearer (\S+)$/.exec(auth)?.[1];
  if (!given || !sameToken(given, options.token)) {
    throw new GuardRefusal(
      401,
      'Unauthorized',
      'missing or wrong token: lake commands read it from twin.json in the state folder',
    );
  }
}

/** Largest JSON body accepted: execution inputs are S3 events and small requests. */
export const MAX_JSON_BODY = 1024 * 1024;

/**
 * The request body as JSON: `Content-Type: application/json` only (415 otherwise, so a CORS
 * simple request cannot get through), at most `limit` bytes (413), well-formed (400). An empty
 * body is `{}`.
 */
export async function readJsonBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') {
    req.resume();
    throw new GuardRefusal(
      415,
      'UnsupportedMediaType',
      `a request body must be Content-Type: application/json (got ${JSON.stringify(type)})`,
    );
  }
  const parts: Buffer[] = [];
  let size = 0;
  for await (const part of req) {
    size += (part as Buffer).length;
    if (size > limit) {
      req.resume();
      throw new GuardRefusal(413, 'PayloadTooLarge', `a request body is at most ${limit} bytes`);
    }
    parts.push(part as Buffer);
  }
  const text = Buffer.concat(parts).toString('utf8');
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new GuardRefusal(
      400,
      'InvalidJson',
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
}

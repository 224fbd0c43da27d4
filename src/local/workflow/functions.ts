import { createHash, randomUUID } from 'node:crypto';
import { StatesError, StatesErrors } from './errors.js';

const HASH_ALGORITHMS: Record<string, string> = {
  MD5: 'md5',
  'SHA-1': 'sha1',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};

function fail(message: string): never {
  throw new StatesError(StatesErrors.QueryEvaluationError, message);
}

/** `$partition(array, size)`: chunks of `size` (DG transforming-data.html). */
export function partition(array: unknown, size: unknown): unknown[][] {
  if (!Array.isArray(array)) fail('$partition: the first argument must be an array');
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 1)
    fail('$partition: the chunk size must be a positive integer');
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

/** `$range(start, end, step)`: end inclusive; one value comes back as a scalar, as on AWS. */
export function range(start: unknown, end: unknown, step: unknown): unknown {
  if (![start, end, step].every((n) => typeof n === 'number' && Number.isInteger(n)))
    fail('$range: arguments must be integers');
  const [s, e, st] = [start as number, end as number, step as number];
  if (st === 0) fail('$range: step must not be 0');
  const values: number[] = [];
  for (let v = s; st > 0 ? v <= e : v >= e; v += st) {
    values.push(v);
    if (values.length > 1000) fail('$range: at most 1000 values');
  }
  return values.length === 1 ? values[0] : values;
}

/** `$hash(value, algorithm)`: hex digest with MD5, SHA-1, SHA-256, SHA-384 or SHA-512. */
export function hash(value: unknown, algorithm: unknown): string {
  const alg = HASH_ALGORITHMS[String(algorithm)];
  if (!alg)
    fail(
      `$hash: unsupported algorithm '${String(algorithm)}' (use ${Object.keys(HASH_ALGORITHMS).join(', ')})`,
    );
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  return createHash(alg).update(text).digest('hex');
}

/** `$random([seed])`: a number in [0, 1); the same seed gives the same number. */
export function random(seed?: unknown): number {
  if (seed === undefined) return Math.random();
  if (typeof seed !== 'number' || !Number.isInteger(seed))
    fail('$random: the seed must be an integer');
  // mulberry32: tiny, deterministic, good enough for sampling.
  let t = (seed + 0x6d2b79f5) | 0;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

/** `$uuid()`: a v4 UUID. */
export function uuid(): string {
  return randomUUID();
}

/** `$parse(json)`: parses a JSON string. */
export function parse(text: unknown): unknown {
  if (typeof text !== 'string') fail('$parse: the argument must be a string');
  try {
    return JSON.parse(text);
  } catch (err) {
    fail(`$parse: ${(err as Error).message}`);
  }
}

/** The Step Functions functions, as JSONata bindings. */
export const stepFunctionsFunctions: Record<string, (...args: unknown[]) => unknown> = {
  partition: (a, b) => partition(a, b),
  range: (a, b, c) => range(a, b, c),
  hash: (a, b) => hash(a, b),
  random: (a) => random(a),
  uuid: () => uuid(),
  parse: (a) => parse(a),
};

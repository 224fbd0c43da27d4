/**
 * The bucket, key and query of a path-style request, read from the raw request target. Not with
 * `new URL`: it resolves `..` and `%2E%2E` segments, and in S3 those are parts of a key.
 */

/** What a request names. `key` is undefined for bucket (or service) requests. */
export interface RequestTarget {
  bucket?: string;
  key?: string;
  query: URLSearchParams;
}

/** Parse `/bucket/key?query` without normalising the path; undefined parts when undecodable. */
export function requestTarget(url: string | undefined): RequestTarget {
  const raw = url ?? '/';
  const q = raw.indexOf('?');
  const pathname = q < 0 ? raw : raw.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const rest = pathname.startsWith('/') ? pathname.slice(1) : pathname;
  const slash = rest.indexOf('/');
  const bucketPart = slash < 0 ? rest : rest.slice(0, slash);
  const keyPart = slash < 0 ? '' : rest.slice(slash + 1);
  try {
    return {
      ...(bucketPart ? { bucket: decodeURIComponent(bucketPart) } : {}),
      ...(keyPart ? { key: decodeURIComponent(keyPart) } : {}),
      query,
    };
  } catch {
    return { query };
  }
}

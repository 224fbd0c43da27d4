/**
 * A tiny glob matcher for file names: `*` matches any run of characters, `?` one character,
 * everything else is literal (regex metacharacters are escaped). Node 20's `path.matchesGlob`
 * is still experimental there, so we do not rely on it.
 */

const cache = new Map<string, RegExp>();

/** Compile a glob (`*`, `?`) to an anchored regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = '';
  for (const ch of glob) {
    if (ch === '*') source += '.*';
    else if (ch === '?') source += '.';
    else source += ch.replace(/[.+^${}()|[\]\\/-]/g, '\\$&');
  }
  return new RegExp(`^${source}$`, 's');
}

/** True when `name` matches the glob `pattern` as a whole. */
export function matchGlob(pattern: string, name: string): boolean {
  let re = cache.get(pattern);
  if (!re) {
    re = globToRegExp(pattern);
    cache.set(pattern, re);
  }
  return re.test(name);
}

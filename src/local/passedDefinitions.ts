/**
 * Definitions asl-validator has passed, remembered on disk across processes. Its schema check
 * costs about 0.5 s at every start of a twin (a third of `lake dev`'s start-up) for a definition
 * that rarely changes. The key is the definition's text and the validator's version, so an edit or
 * an upgrade is checked again; only passes are remembered, so a bad definition always fails.
 */
import { createHash } from 'node:crypto';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** Where the passes are kept: a cache folder that `npm ci` resets. */
export const PASSED_DEFINITIONS_DIR = path.resolve(
  import.meta.dirname,
  '../../node_modules/.cache/lake/asl-passed',
);

function passFile(definition: unknown, dir: string): string {
  const { version } = createRequire(import.meta.url)('asl-validator/package.json') as {
    version: string;
  };
  const hash = createHash('sha256')
    .update(`asl-validator ${version}\0${JSON.stringify(definition)}`)
    .digest('hex');
  return path.join(dir, hash);
}

/** True when this definition passed this version of asl-validator before. */
export async function passedBefore(
  definition: unknown,
  dir = PASSED_DEFINITIONS_DIR,
): Promise<boolean> {
  return stat(passFile(definition, dir)).then(
    () => true,
    () => false,
  );
}

/** Remember a pass; a cache that cannot be written only means checking again next time. */
export async function rememberPassed(
  definition: unknown,
  dir = PASSED_DEFINITIONS_DIR,
): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
    await writeFile(passFile(definition, dir), '');
  } catch {
    // read-only install: no cache
  }
}

/**
 * `lake dev --once` ends whatever its samples do: a failed run is reported, the example query
 * (whose tables may be missing) is skipped, and the twin stops (it used to keep serving, and the
 * process never exited).
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { lake, removeDir, SCHEMAS, tempDir } from '../twin/helpers.js';

let dir: string | undefined;
afterAll(async () => {
  await removeDir(dir);
});

describe('lake dev --once', () => {
  it('with a failing sample: exits 1, skips the example query, stops the twin', async () => {
    dir = await tempDir('dev-once');
    const samples = path.join(dir, 'samples');
    await mkdir(samples);
    await writeFile(path.join(samples, 'mystery.csv'), 'a,b\n1,2\n');
    const state = path.join(dir, 'state');
    const r = await lake(
      ...['--dir', state, '--port', '0', '--schemas', SCHEMAS],
      ...['dev', '--once', '--no-console', '--samples-dir', samples],
    );
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Example query skipped: 1 sample run\(s\) failed/);
    await expect(stat(path.join(state, 'twin.json'))).rejects.toMatchObject({ code: 'ENOENT' });
  });
});

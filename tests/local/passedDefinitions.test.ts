/** The on-disk memory of definitions asl-validator passed: keyed by the text, never by a failure. */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { passedBefore, rememberPassed } from '../../src/local/passedDefinitions.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'lake-passed-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const definition = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };

describe('passed definitions', () => {
  it('knows a definition once remembered, and not a changed one', async () => {
    const cache = path.join(dir, 'cache');
    expect(await passedBefore(definition, cache)).toBe(false);
    await rememberPassed(definition, cache);
    expect(await passedBefore(definition, cache)).toBe(true);
    const edited = { ...definition, Comment: 'edited' };
    expect(await passedBefore(edited, cache)).toBe(false);
  });

  it('a cache that cannot be written is no error, and remembers nothing', async () => {
    const file = path.join(dir, 'a-file');
    await writeFile(file, 'x');
    const cache = path.join(file, 'cache');
    await expect(rememberPassed(definition, cache)).resolves.toBeUndefined();
    expect(await passedBefore(definition, cache)).toBe(false);
  });
});

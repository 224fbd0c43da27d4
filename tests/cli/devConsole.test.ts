/**
 * `lake dev` serves the console: the banner prints its URL with the token, twin.json (0600)
 * records it as `consoleUrl`, the URL answers with the page and the bare address does not.
 * Runs the real `bin/lake.js` in a child process, stopped with SIGINT as a user's Ctrl-C.
 */
import { execFile, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { promisify } from 'node:util';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { removeDir, ROOT, SCHEMAS, tempDir } from '../twin/helpers.js';

let dir: string | undefined;
afterAll(async () => {
  await removeDir(dir);
});

describe('lake dev and its console', () => {
  it('prints consoleUrl, writes it to twin.json, serves the page with the token only', async () => {
    dir = await tempDir('dev-console');
    const child = spawn(
      'node',
      [
        path.join(ROOT, 'bin/lake.js'),
        '--dir',
        dir,
        '--port',
        '0',
        '--schemas',
        SCHEMAS,
        'dev',
        '--no-samples',
        '--console-port',
        '0',
      ],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => resolve(code)),
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    try {
      const deadline = Date.now() + 45_000;
      while (!/Waiting for uploads/.test(out) && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
      const banner = /^ {2}console {7}(http:\/\/127\.0\.0\.1:\d+\/\?token=\S+)$/m.exec(out);
      expect(banner, out).not.toBeNull();
      const consoleUrl = banner![1]!;
      const file = path.join(dir, 'twin.json');
      const record = JSON.parse(await readFile(file, 'utf8')) as {
        consoleUrl: string;
        token: string;
      };
      expect(record.consoleUrl).toBe(consoleUrl);
      expect(consoleUrl).toContain(encodeURIComponent(record.token));
      expect((await stat(file)).mode & 0o777).toBe(0o600);
      const page = await fetch(consoleUrl);
      expect(page.status).toBe(200);
      expect(await page.text()).toMatch(/<title>lake console<\/title>/);
      expect((await fetch(consoleUrl.replace(/\?token=.*/, ''))).status).toBe(401);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('exits 3 with a hint when the console port asked for is taken', async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    const stateDir = await tempDir('dev-console-taken');
    try {
      const r = await promisify(execFile)(
        'node',
        [
          path.join(ROOT, 'bin/lake.js'),
          '--dir',
          stateDir,
          '--port',
          '0',
          '--schemas',
          SCHEMAS,
          'dev',
          '--no-samples',
          '--once',
          '--console-port',
          String(port),
        ],
        { cwd: ROOT, timeout: 60_000 },
      ).then(
        () => ({ code: 0, stderr: '' }),
        (err: { code: number; stderr: string }) => err,
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toMatch(new RegExp(`console port ${port} is in use`));
      expect(r.stderr).toMatch(/hint: pass --console-port N/);
    } finally {
      taken.close();
      await removeDir(stateDir);
    }
  });
});

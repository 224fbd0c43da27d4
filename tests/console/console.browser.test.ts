/**
 * The console in a real browser (Debian's Chromium through playwright-core): upload by drag and
 * drop, the execution succeeding live, its graph all green, a query's grid, a redrive, and the
 * token rule. Screenshots go to docs/console/ with UPDATE_SCREENSHOTS=1 (npm run screenshots),
 * else to the temp folder.
 */
import { request } from 'node:http';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { twinPaths } from '../../src/local/twinConfig.js';
import { launchBrowser, startConsoleRig, type ConsoleRig } from './helpers.js';
import { ROOT, SAMPLES } from '../twin/helpers.js';

let rig: ConsoleRig;
let browser: Awaited<ReturnType<typeof launchBrowser>>;
let page: Page;
const shots = () =>
  process.env.UPDATE_SCREENSHOTS ? path.join(ROOT, 'docs/console') : path.join(rig.dir, 'shots');

async function screenshot(name: string): Promise<void> {
  await page.screenshot({ path: path.join(shots(), `${name}.png`), fullPage: true });
}

/** Drop a file on the drop zone, as a user dragging it from the desktop does. */
async function dropFile(name: string, text: string): Promise<void> {
  const transfer = await page.evaluateHandle(
    `(() => { const t = new DataTransfer(); t.items.add(new File([${JSON.stringify(text)}], ${JSON.stringify(name)}, { type: 'text/csv' })); return t; })()`,
  );
  await page.dispatchEvent('[data-testid=dropzone]', 'dragover', { dataTransfer: transfer });
  await page.dispatchEvent('[data-testid=dropzone]', 'drop', { dataTransfer: transfer });
}

/** A raw HTTP GET with the headers given (fetch cannot set Host). */
function rawGet(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.setTimeout(5000, () => req.destroy(new Error('timeout')));
    req.end();
  });
}

beforeAll(async () => {
  rig = await startConsoleRig('browser');
  browser = await launchBrowser();
  page = browser.page;
});

afterAll(async () => {
  await browser?.close();
  await rig?.close();
});

describe('the console in Chromium', () => {
  it('refuses requests without the token, from foreign hosts and from foreign origins', async () => {
    const { url, consoleUrl } = rig.console;
    const bare = await fetch(`${url}/`);
    expect(bare.status).toBe(401);
    expect(await bare.text()).not.toContain('<script');
    expect((await fetch(`${url}/?token=wrong`)).status).toBe(401);
    expect((await fetch(`${url}/api/executions`)).status).toBe(401);
    const auth = { authorization: `Bearer ${rig.token}` };
    expect((await fetch(`${url}/api/executions`, { headers: auth })).status).toBe(200);
    // DNS rebinding: a foreign name resolving to 127.0.0.1 still sends its own Host.
    const port = new URL(url).port;
    expect(await rawGet(`${url}/api/executions`, { ...auth, host: `evil.example:${port}` })).toBe(
      403,
    );
    expect(await rawGet(consoleUrl, { host: `evil.example:${port}` })).toBe(403);
    // A hostile page's request carries its Origin.
    const foreign = await fetch(`${url}/api/executions`, {
      headers: { ...auth, origin: 'http://evil.example' },
    });
    expect(foreign.status).toBe(403);
    // The token never becomes a cookie.
    const ok = await fetch(consoleUrl);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toBeNull();
    expect(ok.headers.get('content-security-policy')).toMatch(/script-src 'sha256-/);

    // In the browser: the URL without its token shows the refusal, not the console.
    await page.goto(`${url}/`);
    expect(await page.textContent('body')).toMatch(/Unauthorized/);
    // A page of another origin cannot read the API, even knowing the path.
    await page.goto('data:text/html,<p>elsewhere</p>');
    const seen = await page.evaluate(
      `fetch(${JSON.stringify(`${url}/api/executions`)}).then((r) => 'read ' + r.status, (e) => 'blocked')`,
    );
    expect(seen).toBe('blocked');
  });

  it('uploads a file dropped on the page and shows its execution succeed live', async () => {
    await page.goto(rig.console.consoleUrl);
    await page.waitForSelector('[data-testid=dropzone]');
    await page.evaluate('window.__sameDocument = true');
    await dropFile('jobs.csv', await readFile(path.join(SAMPLES, 'jobs.csv'), 'utf8'));
    await page.waitForSelector('[data-testid=upload-status] .ok');
    const row = page.locator('[data-testid=executions] tr[data-execution^=jobs_csv]');
    await row.and(page.locator('[data-status=SUCCEEDED]')).waitFor({ timeout: 20_000 });
    // Live: the row arrived through the event stream, without a reload.
    expect(await page.evaluate('window.__sameDocument')).toBe(true);
    expect(await row.locator('td').nth(2).textContent()).toBe('jobs');
    expect(await row.locator('td').nth(3).textContent()).toBe('40');
    await screenshot('executions');
  });

  it('opens the execution and draws its graph from the ASL with every state that ran green', async () => {
    await page.click('[data-testid=executions] tr[data-execution^=jobs_csv]');
    await page.waitForSelector('[data-testid=state-graph] [data-state=Commit]');
    const states = await page.$$eval('[data-testid=state-graph] [data-state]', (nodes) =>
      nodes.map((n) => [n.getAttribute('data-state'), n.getAttribute('data-status')]),
    );
    const status = Object.fromEntries(states) as Record<string, string>;
    // Every state of the definition is drawn, the Map's processor inside the Map.
    for (const name of [
      'Start',
      'CopyToRaw',
      'CheckVersion',
      'Validate',
      'ChooseFanOut',
      'TransformChunks',
      'Transform',
      'TransformChunksDistributed',
      'TransformChunk',
      'Commit',
      'Done',
      'Quarantine',
      'Failed',
      'Superseded',
    ])
      expect(status, name).toHaveProperty(name);
    const ran = [
      'Start',
      'CopyToRaw',
      'CheckVersion',
      'Validate',
      'ChooseFanOut',
      'TransformChunks',
      'Transform',
      'Commit',
      'Done',
    ];
    for (const name of ran) expect(status[name], name).toBe('succeeded');
    expect(Object.values(status).filter((s) => s !== 'succeeded' && s !== 'notRun')).toEqual([]);
    // The nodes are green: the colour, not just the attribute.
    const fill = await page.evaluate(
      `getComputedStyle(document.querySelector('[data-state=Commit] > rect')).fill`,
    );
    expect(fill).toBe('rgb(233, 247, 230)');
    expect(await page.locator('[data-testid=history] tbody tr').count()).toBeGreaterThan(20);
    await page.click('[data-state=Commit]');
    expect(await page.textContent('[data-testid=state-panel]')).toMatch(/rowsCurated/);
    // The Map with its chunk runs.
    await page.click('[data-state=TransformChunks] > text.label');
    const chunks = page.locator('[data-testid=chunk-runs] tbody tr');
    expect(await chunks.count()).toBe(1);
    expect(await chunks.first().locator('[data-status]').getAttribute('data-status')).toBe(
      'SUCCEEDED',
    );
    await page.click('[data-state=Commit]');
    await screenshot('execution');
  });

  it('runs a query and shows the rows in a grid; a bad query shows the error once, with the hint', async () => {
    await page.goto(`${rig.console.consoleUrl}#/query`);
    await page.fill('[data-testid=sql]', 'SELECT count(*) AS n, min(id) AS first FROM jobs');
    await page.click('[data-testid=run-query]');
    const grid = page.locator('[data-testid=query-grid]');
    await grid.waitFor();
    expect(await grid.locator('th').allTextContents()).toEqual(['n', 'first']);
    expect(await grid.locator('tbody td').allTextContents()).toEqual(['40', '1']);
    await screenshot('query');
    const [download] = await Promise.all([
      page.waitForEvent('download', { timeout: 10_000 }),
      page.click('[data-testid=download-csv]'),
    ]);
    expect(download.suggestedFilename()).toBe('query.csv');
    expect(await readFile((await download.path())!, 'utf8')).toBe('n,first\n40,1');
    await page.fill('[data-testid=sql]', 'SELEC x');
    await page.click('[data-testid=run-query]');
    const error = (await page.locator('[data-testid=query-error]').textContent()) ?? '';
    expect(error).toMatch(/^lake: /);
    expect(error).toMatch(/\nhint: /);
    const lines = error.split('\n').filter((l) => l.trim() && !/^\s*\^\s*$/.test(l));
    expect(lines).toEqual([...new Set(lines)]);
    expect(error).toMatch(/syntax error/);
    expect(await page.locator('[data-testid=query-history] li').count()).toBe(2);
  });

  it('redrives a failed execution and shows it succeed', async () => {
    // A catalog that cannot be read stops Commit (not the file's fault, so not quarantined):
    // FAILED at Commit and redrivable. A folder where the table's file belongs does it.
    const broken = path.join(twinPaths(rig.twin.config).catalog, 'lake', 'departments.json');
    await mkdir(broken, { recursive: true });
    await writeFile(path.join(broken, 'in-the-way'), '');
    await page.goto(rig.console.consoleUrl);
    await page.waitForSelector('[data-testid=dropzone]');
    await dropFile(
      'departments.csv',
      await readFile(path.join(SAMPLES, 'departments.csv'), 'utf8'),
    );
    const row = page.locator('[data-testid=executions] tr[data-execution^=departments_csv]');
    await row.and(page.locator('[data-status=FAILED]')).waitFor({ timeout: 20_000 });
    await row.click();
    await page.waitForSelector('[data-state=Commit][data-status=failed]');
    expect(await page.textContent('[data-testid=execution-error]')).toMatch(/EISDIR/);
    await screenshot('execution-failed');
    await rm(broken, { recursive: true });
    await page.click('[data-testid=redrive]');
    await page.waitForSelector('h1 [data-status=SUCCEEDED]', { timeout: 20_000 });
    await page.waitForSelector('[data-state=Done][data-status=succeeded]');
    expect(await page.textContent('.facts')).toMatch(/redrives\s*1/);
  });

  it('lists tables and views, and shows a table with columns, partitions and a preview', async () => {
    // users merges: its rejected rows get a table with reasons, its latest versions a _current view.
    await rig.twin.store.put(
      rig.twin.config.buckets.ingest,
      'users.csv',
      await readFile(path.join(SAMPLES, 'users.csv')),
      'text/csv',
    );
    const { executions } = await rig.twin.runner.listExecutions({});
    const users = executions.find((e) => e.name.startsWith('users_csv'))!;
    expect((await rig.twin.runner.waitForExecution(users.executionArn)).status).toBe('SUCCEEDED');
    await page.goto(`${rig.console.consoleUrl}#/tables`);
    await page.waitForSelector('[data-testid=tables] tr[data-table=users_current]');
    expect(await page.textContent('[data-testid=tables] tr[data-table=users_current]')).toMatch(
      /view/,
    );
    await screenshot('tables');
    await page.click('[data-testid=tables] tr[data-table=users_rejected]');
    await page.waitForSelector('[data-testid=reject-reasons] tbody tr');
    expect(await page.locator('[data-testid=reject-reasons] tbody tr').count()).toBeGreaterThan(0);
    await screenshot('table-rejected');
    await page.goto(`${rig.console.consoleUrl}#/table/users_current`);
    await page.waitForSelector('[data-testid=view-sql]');
    expect(await page.textContent('[data-testid=view-sql]')).toMatch(/SELECT/i);
    await page.goto(`${rig.console.consoleUrl}#/tables`);
    await page.waitForSelector('[data-testid=tables] tr[data-table=jobs]');
    await page.click('[data-testid=tables] tr[data-table=jobs]');
    await page.waitForSelector('[data-testid=preview] tbody tr');
    expect(await page.locator('[data-testid=columns] td').allTextContents()).toContain(
      '_source_key',
    );
    expect(await page.locator('[data-testid=partitions] tbody tr').count()).toBe(1);
    await screenshot('table');
    await page.goto(`${rig.console.consoleUrl}#/quarantine`);
    await page.waitForSelector('h1');
    await screenshot('quarantine');
  });
});

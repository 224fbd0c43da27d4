/** The console's test rig: a twin on a temp folder, its console, and Debian's Chromium. */
import { constants } from 'node:fs';
import { access, cp, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { startConsoleServer, twinBackend, type ConsoleServer } from '../../console/server/index.js';
import { runQuery } from '../../src/cli/commands/query.js';
import { listTables } from '../../src/cli/commands/tables.js';
import { loadContracts } from '../../src/core/contract/index.js';
import { newControlToken } from '../../src/local/control.js';
import { startTwin, type Twin } from '../../src/local/twin.js';
import { twinConfig } from '../../src/local/twinConfig.js';
import { tempDir, SCHEMAS } from '../twin/helpers.js';

/** Debian's package; never a downloaded browser build. */
export const CHROMIUM = '/usr/bin/chromium';

/** A twin and its console on free loopback ports, in a fresh state folder. */
export interface ConsoleRig {
  dir: string;
  /** A copy of schemas/ the test may break and mend. */
  schemasDir: string;
  twin: Twin;
  console: ConsoleServer;
  token: string;
  close(): Promise<void>;
}

export async function startConsoleRig(label: string): Promise<ConsoleRig> {
  const dir = await tempDir(`console-${label}`);
  const schemasDir = path.join(dir, 'schemas');
  await cp(SCHEMAS, schemasDir, { recursive: true });
  const twin = await startTwin(twinConfig({ dir: path.join(dir, 'state'), port: 0, schemasDir }), {
    listen: true,
  });
  const token = newControlToken();
  const server = await startConsoleServer(
    twinBackend(twin, {
      contracts: await loadContracts(schemasDir),
      query: (sql) => runQuery(twin.config, sql),
    }),
    { token, port: 0, tables: () => listTables(twin.config) },
  );
  return {
    dir,
    schemasDir,
    twin,
    console: server,
    token,
    close: async () => {
      await server.close();
      await twin.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Headless Chromium with a fresh profile; `close` removes the profile too. */
export async function launchBrowser(): Promise<{
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}> {
  await access(CHROMIUM, constants.X_OK).catch(() => {
    throw new Error(`${CHROMIUM} is missing: apt-get update && apt-get install -y chromium`);
  });
  const profile = await mkdtemp(path.join(os.tmpdir(), 'lake-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1360, height: 900 },
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

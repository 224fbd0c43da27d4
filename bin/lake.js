#!/usr/bin/env node
// The `lake` command. It runs dist/lake.mjs, the CLI bundled by esbuild: `npm install` builds it
// (the `prepare` script) and this file rebuilds it when a source is newer, so an edit is never
// run stale. Starting from the bundle saves compiling every TypeScript module through tsx at each
// call (README: start-up). Without esbuild, or with LAKE_TSX=1, tsx compiles on the fly as before.
import { bundleIsFresh, buildCli, CLI_BUNDLE } from '../src/cli/build/buildCli.mjs';
import { pathToFileURL } from 'node:url';

// The twin runs on Node 20 by design (Lambda runs 22); the SDK's notice about Node 22 is noise here.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function loadMain() {
  if (process.env.LAKE_TSX !== '1') {
    try {
      if (!bundleIsFresh()) await buildCli();
      return (await import(pathToFileURL(CLI_BUNDLE).href)).run;
    } catch {
      // No esbuild, or a source that does not build: tsx reports it as a run would.
    }
  }
  const { register } = await import('tsx/esm/api');
  register();
  return (await import('../src/cli/main.ts')).run;
}

const run = await loadMain();
process.exitCode = await run(process.argv);

/**
 * Bundle the Lambda handlers the way SST v4 does for `sst.aws.Function` (its Go `runtime/node`
 * build: esbuild, ESM `bundle.mjs`, the runtime's ES target, `module`/`main` fields, the
 * createRequire/__dirname banner, keepNames, linked source maps, `sharp`/`pg-native` external)
 * plus `copyFiles`, so tests can run exactly what a deploy uploads.
 */
import { cp, mkdir, rm, stat } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';
import type { Metafile } from 'esbuild';

/** ES targets SST uses per Lambda runtime (pkg/runtime/node/build.go `targetMap`). */
export const RUNTIME_TARGETS = {
  'nodejs20.x': 'es2023',
  'nodejs22.x': 'es2023',
  'nodejs24.x': 'es2024',
} as const;

/** The banner SST prepends to ESM bundles, so CommonJS dependencies find `require` and `__dirname`. */
export const SST_ESM_BANNER = [
  `import { createRequire as topLevelCreateRequire } from 'module';`,
  `const require = topLevelCreateRequire(import.meta.url);`,
  `import { fileURLToPath as topLevelFileUrlToPath, URL as topLevelURL } from "url"`,
  `const __filename = topLevelFileUrlToPath(import.meta.url)`,
  `const __dirname = topLevelFileUrlToPath(new topLevelURL(".", import.meta.url))`,
].join('\n');

/** Packages SST never bundles (pkg/runtime/node/build.go `forceExternal`). */
export const SST_FORCE_EXTERNAL = ['sharp', 'pg-native'];

/** What to bundle. */
export interface BundleOptions {
  /** Handler file, e.g. `functions/commit.ts`. */
  entry: string;
  /** Output folder (replaced). */
  outdir: string;
  /** @default 'nodejs22.x' */
  runtime?: keyof typeof RUNTIME_TARGETS;
  /** Files copied beside the bundle, as `sst.aws.Function` `copyFiles` (paths relative to `cwd`). */
  copyFiles?: { from: string; to?: string }[];
  /** Project root. @default process.cwd() */
  cwd?: string;
  /** As SST's `nodejs.minify`. @default false */
  minify?: boolean;
}

/** A built function folder. */
export interface BundleResult {
  entry: string;
  outdir: string;
  /** `<outdir>/bundle.mjs`; the Lambda handler is `bundle.handler`. */
  outfile: string;
  /** Size of bundle.mjs in bytes (source map not counted). */
  bytes: number;
  /** Imports esbuild left external (must be in the runtime or installed beside the bundle). */
  externals: string[];
  /** Files in the bundle read at run time by `new URL(…, import.meta.url)` or with a non-JS loader. */
  assets: string[];
}

/**
 * Bundle one handler with SST's esbuild options and copy its run-time files.
 * @example await bundleFunction({ entry: 'functions/commit.ts', outdir: 'dist/functions/commit', copyFiles: [{ from: 'schemas' }] })
 */
export async function bundleFunction(options: BundleOptions): Promise<BundleResult> {
  const cwd = options.cwd ?? process.cwd();
  const outdir = resolve(cwd, options.outdir);
  await rm(outdir, { recursive: true, force: true });
  await mkdir(outdir, { recursive: true });
  const outfile = join(outdir, 'bundle.mjs');
  const result = await build({
    entryPoints: [resolve(cwd, options.entry)],
    absWorkingDir: cwd,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: RUNTIME_TARGETS[options.runtime ?? 'nodejs22.x'],
    mainFields: ['module', 'main'],
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    outfile,
    external: SST_FORCE_EXTERNAL,
    banner: { js: SST_ESM_BANNER },
    minify: options.minify ?? false,
    logLevel: 'silent',
  });
  for (const copy of options.copyFiles ?? []) {
    await cp(resolve(cwd, copy.from), join(outdir, copy.to ?? copy.from), { recursive: true });
  }
  return {
    entry: options.entry,
    outdir,
    outfile,
    bytes: (await stat(outfile)).size,
    externals: externalImports(result.metafile),
    assets: Object.keys(result.metafile.outputs).filter((o) => !/\.(mjs|js|map)$/.test(o)),
  };
}

const BUILTINS = new Set(builtinModules);

function externalImports(metafile: Metafile): string[] {
  const names = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports)
      if (
        imp.external &&
        !imp.path.startsWith('node:') &&
        !imp.path.startsWith('<') &&
        !BUILTINS.has(imp.path)
      )
        names.add(imp.path);
  }
  return [...names].sort();
}

/** One bundle per handler of the pipeline, as the stack deploys them (`copyFiles: schemas`). */
export async function bundleHandlers(
  outRoot: string,
  cwd = process.cwd(),
): Promise<Array<BundleResult & { name: string }>> {
  const { HANDLERS, RUNTIME } = await import('../../stacks/documents/functions.js');
  const results: Array<BundleResult & { name: string }> = [];
  for (const spec of HANDLERS) {
    const entry = `${spec.handler.replace(/\.handler$/, '')}.ts`;
    const name = entry.replace(/^functions\//, '').replace(/\.ts$/, '');
    const result = await bundleFunction({
      entry,
      outdir: join(outRoot, name),
      runtime: RUNTIME.runtime,
      copyFiles: [{ from: 'schemas' }],
      cwd,
    });
    results.push({ ...result, name });
  }
  return results;
}

// Bundles the `lake` command into dist/lake.mjs (dependencies stay in node_modules), so a start
// loads one file instead of compiling every TypeScript module through tsx: the README gives the
// measurements. Plain JavaScript, because it runs before anything can compile TypeScript.
// Each module's `import.meta.url` / `import.meta.dirname` become its source file's own, so files
// read beside a module (the ASL, the console's web folder) and `createRequire` resolve as unbundled.
import { readdirSync, statSync } from 'node:fs';
import { readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The project's root (this file is src/cli/build/). */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');

/** The bundle's folder, in the git-ignored dist/: main.js and one chunk per command. */
export const CLI_DIR = path.join(PROJECT_ROOT, 'dist', 'cli');

/** The bundle's entry. */
export const CLI_BUNDLE = path.join(CLI_DIR, 'main.js');

/** Folders whose TypeScript the bundle holds (schemas are read at run time, not bundled). */
const SOURCE_DIRS = ['src', 'functions', 'workflows', 'console/server', 'console/web'];

/** The newest modification time (ms) of a bundled source file. */
export function newestSourceTime(root = PROJECT_ROOT) {
  let newest = 0;
  const walk = (dir) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|json|mjs|css)$/.test(entry.name))
        newest = Math.max(newest, statSync(full).mtimeMs);
    }
  };
  for (const dir of SOURCE_DIRS) {
    try {
      walk(path.join(root, dir));
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  return newest;
}

/** True when the bundle exists and no source is newer. */
export function bundleIsFresh(bundle = CLI_BUNDLE, root = PROJECT_ROOT) {
  try {
    return statSync(bundle).mtimeMs >= newestSourceTime(root);
  } catch {
    return false;
  }
}

const ownImportMeta = {
  name: 'own-import-meta',
  setup(build) {
    build.onLoad({ filter: /\.ts$/ }, async (args) => {
      if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      const source = await readFile(args.path, 'utf8');
      const contents = source
        .replaceAll('import.meta.url', JSON.stringify(pathToFileURL(args.path).href))
        .replaceAll('import.meta.dirname', JSON.stringify(path.dirname(args.path)));
      return { contents, loader: 'ts' };
    });
  },
};

/**
 * Build the bundle; resolves to the milliseconds it took. Commands are split into chunks that
 * load on use (main.ts imports them dynamically). Built aside and renamed into place, so a `lake`
 * starting meanwhile sees the old bundle or the new one.
 */
export async function buildCli(outdir = CLI_DIR) {
  const started = performance.now();
  const { build } = await import('esbuild');
  const aside = `${outdir}.${process.pid}.tmp`;
  await rm(aside, { recursive: true, force: true });
  await build({
    entryPoints: [path.join(PROJECT_ROOT, 'src/cli/main.ts')],
    outdir: aside,
    entryNames: '[name]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'error',
    plugins: [ownImportMeta],
  });
  const old = `${outdir}.${process.pid}.old`;
  await rename(outdir, old).catch(() => {});
  await rename(aside, outdir);
  await rm(old, { recursive: true, force: true });
  return Math.round(performance.now() - started);
}

// `node src/cli/build/buildCli.mjs`: the `prepare` script of `npm install`.
// A failure must not fail `npm install`: bin/lake.js then runs the sources through tsx.
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  try {
    const ms = await buildCli();
    console.log(`lake: bundled the CLI into ${path.relative(process.cwd(), CLI_DIR)}/ in ${ms} ms`);
  } catch (err) {
    console.warn(`lake: could not bundle the CLI (${err.message}); lake will compile it with tsx`);
  }
}

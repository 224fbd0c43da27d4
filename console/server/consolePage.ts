/**
 * The console's single page: the front end (console/web) bundled by esbuild in memory and inlined
 * with its style into one HTML document, so the one guarded request that carries the token brings
 * every asset (no CDN, no second unauthenticated request). The Content-Security-Policy allows
 * exactly that script and that style, by hash, and connections to this server only.
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';

/** The built page and what building it cost. */
export interface ConsolePage {
  html: string;
  contentSecurityPolicy: string;
  /** Bytes of the minified script and of the whole document. */
  scriptBytes: number;
  htmlBytes: number;
  buildMs: number;
}

const WEB_DIR = path.resolve(import.meta.dirname, '../web');

const sha256 = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

/** Build the page (about 0.1–0.3 s; esbuild is loaded only when a console starts). */
export async function buildConsolePage(): Promise<ConsolePage> {
  const started = performance.now();
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [path.join(WEB_DIR, 'main.ts')],
    bundle: true,
    minify: true,
    format: 'iife',
    target: 'es2022',
    platform: 'browser',
    write: false,
    logLevel: 'silent',
    legalComments: 'none',
  });
  // `</script` inside the bundle would end the inline element early.
  const script = result.outputFiles[0]!.text.replace(/<\/(script)/gi, '<\\/$1');
  const style = await readFile(path.join(WEB_DIR, 'style.css'), 'utf8');
  const html =
    '<!doctype html><html lang="en"><head><meta charset="utf-8">' +
    '<meta name="viewport" content="width=device-width, initial-scale=1">' +
    '<meta name="referrer" content="no-referrer"><link rel="icon" href="data:,">' +
    `<title>lake console</title><style>${style}</style></head>` +
    `<body><div id="app"></div><script>${script}</script></body></html>`;
  return {
    html,
    contentSecurityPolicy: [
      "default-src 'none'",
      `script-src ${sha256(script)}`,
      `style-src ${sha256(style)}`,
      "connect-src 'self'",
      "img-src 'self' data:",
      "base-uri 'none'",
      "form-action 'none'",
      "frame-ancestors 'none'",
    ].join('; '),
    scriptBytes: Buffer.byteLength(script),
    htmlBytes: Buffer.byteLength(html),
    buildMs: Math.round(performance.now() - started),
  };
}

let cached: Promise<ConsolePage> | undefined;

/** The page, built once per process. */
export function consolePage(): Promise<ConsolePage> {
  cached ??= buildConsolePage().catch((err: unknown) => {
    cached = undefined;
    throw err;
  });
  return cached;
}

/** The quarantine bucket as the console lists it: each file beside its error.json. */
import type { ConsoleBackend } from './consoleBackend.js';

/** One quarantined file. */
export interface QuarantinedFile {
  key: string;
  size: number;
  lastModified: string | null;
  /** The parsed `<key>.error.json` (error name, cause, execution id), or null when missing. */
  report: Record<string, unknown> | null;
}

const REPORT_SUFFIX = '.error.json';

async function readText(backend: ConsoleBackend, bucket: string, key: string): Promise<string> {
  const parts: Uint8Array[] = [];
  for await (const p of await backend.store.get(bucket, key)) parts.push(p);
  return Buffer.concat(parts).toString('utf8');
}

/** Every quarantined file, newest first, with its report. */
export async function quarantineList(backend: ConsoleBackend): Promise<QuarantinedFile[]> {
  const bucket = backend.config.buckets.quarantine;
  const objects = await backend.store.list(bucket, '');
  const keys = new Set(objects.map((o) => o.key));
  const files = objects.filter((o) => !o.key.endsWith(REPORT_SUFFIX));
  const out = await Promise.all(
    files.map(async (o): Promise<QuarantinedFile> => {
      const reportKey = `${o.key}${REPORT_SUFFIX}`;
      let report: Record<string, unknown> | null = null;
      if (keys.has(reportKey)) {
        try {
          report = JSON.parse(await readText(backend, bucket, reportKey)) as Record<
            string,
            unknown
          >;
        } catch {
          report = { error: 'unreadable error.json' };
        }
      }
      return {
        key: o.key,
        size: o.size,
        lastModified: o.lastModified ? o.lastModified.toISOString() : null,
        report,
      };
    }),
  );
  return out.sort((a, b) => (b.lastModified ?? '').localeCompare(a.lastModified ?? ''));
}

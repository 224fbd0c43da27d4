import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Contract } from '../../src/core/contract/types.js';
import type { ObjectSink } from '../../src/core/ports.js';
import type { EngineResult } from './types.js';

/** The slice of Core's transform API the benchmark calls (loaded at run time: Core may land later). */
interface TransformApi {
  transform(input: {
    contract: Contract;
    source: { key: string; version: string; sourceId: string };
    body: AsyncIterable<Uint8Array>;
    sink: ObjectSink;
    executionId: string;
    ingestedAt: Date;
    memoryBudgetBytes?: number;
  }): Promise<{ rowsRead: number; rowsCurated: number; rowsRejected: number; partitions: unknown; files: unknown }>;
}
interface SinksApi {
  LocalFolderSink: new (dir: string) => ObjectSink;
}

const load = async <T>(rel: string): Promise<T> =>
  (await import(pathToFileURL(new URL(rel, import.meta.url).pathname).href)) as T;

/** Runs our transform over the CSV file into a local folder sink. */
export async function runOursJob(
  contract: Contract,
  input: string,
  outDir: string,
  memoryBudgetBytes?: number,
): Promise<EngineResult> {
  const { transform } = await load<TransformApi>('../../src/core/transform/index.js');
  const { LocalFolderSink } = await load<SinksApi>('../../src/core/sinks/index.js');
  const start = performance.now();
  const result = await transform({
    contract,
    source: { key: `incoming/${basename(input)}`, version: '1', sourceId: 'bench' },
    body: createReadStream(input, { highWaterMark: 1 << 20 }),
    sink: new LocalFolderSink(outDir),
    executionId: 'bench',
    ingestedAt: new Date(Date.UTC(2024, 2, 4)),
    ...(memoryBudgetBytes ? { memoryBudgetBytes } : {}),
  });
  const ms = performance.now() - start;
  const count = (v: unknown) => (Array.isArray(v) ? v.length : typeof v === 'number' ? v : NaN);
  return {
    ms,
    rowsRead: result.rowsRead,
    rowsCurated: result.rowsCurated,
    rowsRejected: result.rowsRejected,
    partitions: count(result.partitions),
    files: count(result.files),
  };
}

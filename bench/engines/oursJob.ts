import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import type { Contract } from '../../src/core/contract/types.js';
import { LocalFolderSink } from '../../src/core/sinks/index.js';
import { transform } from '../../src/core/transform/index.js';
import type { EngineResult } from './types.js';

/** Runs our transform over the CSV file into a local folder sink. */
export async function runOursJob(
  contract: Contract,
  input: string,
  outDir: string,
  memoryBudgetBytes?: number,
): Promise<EngineResult> {
  const start = performance.now();
  const cpu0 = process.cpuUsage();
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
  const cpu = process.cpuUsage(cpu0);
  return {
    ms,
    cpuMs: (cpu.user + cpu.system) / 1000,
    rowsRead: result.rowsRead,
    rowsCurated: result.rowsCurated,
    rowsRejected: result.rowsRejected,
    partitions: result.partitions.length,
    files: result.files.length,
  };
}

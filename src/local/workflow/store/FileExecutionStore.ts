import {
  appendFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { createHash } from 'node:crypto';
import type { HistoryEvent } from '../types.js';
import type { ExecutionRecord, ExecutionStore, ScopeProgress } from './ExecutionStore.js';

/**
 * Keeps executions as files under a directory, one folder per execution:
 * `execution.json` (rewritten atomically), `history.jsonl` and `progress.jsonl` (append-only),
 * so a restarted process can list, show and redrive what an earlier one ran.
 */
export class FileExecutionStore implements ExecutionStore {
  constructor(private readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  async putExecution(record: ExecutionRecord): Promise<void> {
    const folder = this.folder(record.executionArn);
    mkdirSync(folder, { recursive: true });
    const tmp = join(folder, 'execution.json.tmp');
    writeFileSync(tmp, JSON.stringify(record, null, 2));
    renameSync(tmp, join(folder, 'execution.json'));
  }

  async getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    const file = join(this.folder(executionArn), 'execution.json');
    return existsSync(file)
      ? (JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord)
      : undefined;
  }

  async listExecutions(): Promise<ExecutionRecord[]> {
    const records: ExecutionRecord[] = [];
    for (const entry of readdirSync(this.dir, { withFileTypes: true })) {
      const file = join(this.dir, entry.name, 'execution.json');
      if (entry.isDirectory() && existsSync(file))
        records.push(JSON.parse(readFileSync(file, 'utf8')) as ExecutionRecord);
    }
    return records.sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  async appendEvents(executionArn: string, events: HistoryEvent[]): Promise<void> {
    if (events.length === 0) return;
    const folder = this.folder(executionArn);
    mkdirSync(folder, { recursive: true });
    appendFileSync(
      join(folder, 'history.jsonl'),
      events.map((e) => JSON.stringify(e) + '\n').join(''),
    );
  }

  async getHistory(executionArn: string): Promise<HistoryEvent[]> {
    return readLines(join(this.folder(executionArn), 'history.jsonl')).map((line) => {
      const event = JSON.parse(line) as HistoryEvent & { timestamp: string | Date };
      return { ...event, timestamp: new Date(event.timestamp) };
    });
  }

  async putProgress(
    executionArn: string,
    path: string,
    progress: ScopeProgress | undefined,
  ): Promise<void> {
    const folder = this.folder(executionArn);
    mkdirSync(folder, { recursive: true });
    appendFileSync(
      join(folder, 'progress.jsonl'),
      JSON.stringify({ path, progress: progress ?? null }) + '\n',
    );
  }

  async getProgress(executionArn: string): Promise<Record<string, ScopeProgress>> {
    const scopes: Record<string, ScopeProgress> = {};
    for (const line of readLines(join(this.folder(executionArn), 'progress.jsonl'))) {
      const { path, progress } = JSON.parse(line) as {
        path: string;
        progress: ScopeProgress | null;
      };
      if (progress) scopes[path] = progress;
      else delete scopes[path];
    }
    return scopes;
  }

  /** A file-system-safe folder name that still shows the execution name. */
  private folder(executionArn: string): string {
    const name = executionArn.split(':').pop() ?? 'execution';
    const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80);
    const hash = createHash('sha1').update(executionArn).digest('hex').slice(0, 10);
    return join(this.dir, `${safe}-${hash}`);
  }
}

function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  // A crash mid-append may leave a torn last line: ignore it.
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .filter((line) => {
      try {
        JSON.parse(line);
        return true;
      } catch {
        return false;
      }
    });
}

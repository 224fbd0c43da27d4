import type { HistoryEvent } from '../types.js';
import type { ExecutionRecord, ExecutionStore, ScopeProgress } from './ExecutionStore.js';

/** Keeps everything in process memory (the default). */
export class MemoryExecutionStore implements ExecutionStore {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly histories = new Map<string, HistoryEvent[]>();
  private readonly progress = new Map<string, Map<string, ScopeProgress>>();

  async putExecution(record: ExecutionRecord): Promise<void> {
    this.records.set(record.executionArn, structuredClone(record));
  }

  async getExecution(executionArn: string): Promise<ExecutionRecord | undefined> {
    const record = this.records.get(executionArn);
    return record && structuredClone(record);
  }

  async listExecutions(): Promise<ExecutionRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  async appendEvents(executionArn: string, events: HistoryEvent[]): Promise<void> {
    const list = this.histories.get(executionArn) ?? [];
    list.push(...events.map((e) => structuredClone(e)));
    this.histories.set(executionArn, list);
  }

  async getHistory(executionArn: string): Promise<HistoryEvent[]> {
    return (this.histories.get(executionArn) ?? []).map((e) => structuredClone(e));
  }

  async putProgress(
    executionArn: string,
    path: string,
    progress: ScopeProgress | undefined,
  ): Promise<void> {
    const scopes = this.progress.get(executionArn) ?? new Map<string, ScopeProgress>();
    if (progress) scopes.set(path, structuredClone(progress));
    else scopes.delete(path);
    this.progress.set(executionArn, scopes);
  }

  async getProgress(executionArn: string): Promise<Record<string, ScopeProgress>> {
    return structuredClone(Object.fromEntries(this.progress.get(executionArn) ?? []));
  }
}

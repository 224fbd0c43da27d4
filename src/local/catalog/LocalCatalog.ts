/**
 * The twin's Glue Data Catalog: the `Catalog` port over JSON files, one per table
 * (`<dir>/<database>/<table>.json`, holding the TableInput and its partitions). Behaves as Glue does
 * for what the pipeline uses: names fold to lower case, tables evolve only by new nullable columns
 * (`planTableUpdate`, shared with the Glue adapter), registering an existing partition is not an
 * error. Writes are atomic and serialised per table within a process.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { mkdir } from 'node:fs/promises';
import { CatalogInputError } from '../../core/catalog/errors.js';
import type { PartitionInput, TableInput } from '../../core/catalog/glueTypes.js';
import { planTableUpdate } from '../../core/catalog/schemaEvolution.js';
import type { Catalog, RegisterPartitionsResult } from '../../core/ports.js';
import { readJson, writeJsonAtomic } from './atomicJson.js';
import { KeyedQueue } from './KeyedQueue.js';

/** What one table file holds. */
export interface StoredTable {
  table: TableInput;
  partitions: PartitionInput[];
  createTime: string;
  updateTime: string;
}

const NAME_RE = /^[a-z0-9_]{1,255}$/;

/** A Glue-shaped catalog kept as JSON files under `dir`. */
export class LocalCatalog implements Catalog {
  private readonly queue = new KeyedQueue();

  /** @param dir folder of the catalog, e.g. `.lake/catalog` */
  constructor(readonly dir: string) {}

  async ensureDatabase(database: string): Promise<void> {
    await mkdir(this.databaseDir(database), { recursive: true });
  }

  async ensureTable(database: string, table: TableInput): Promise<void> {
    const name = checkName(table.Name, 'table');
    await this.requireDatabase(database);
    await this.queue.run(this.key(database, name), async () => {
      const file = this.tableFile(database, name);
      const stored = await readJson<StoredTable>(file);
      const now = new Date().toISOString();
      const input = { ...structuredClone(table), Name: name };
      if (!stored) {
        await writeJsonAtomic(file, {
          table: input,
          partitions: [],
          createTime: now,
          updateTime: now,
        } satisfies StoredTable);
        return;
      }
      const plan = planTableUpdate(stored.table, input);
      if (plan.action === 'update') {
        await writeJsonAtomic(file, {
          ...stored,
          table: { ...plan.table, Name: name },
          updateTime: now,
        });
      }
    });
  }

  async ensureView(database: string, view: TableInput): Promise<void> {
    const name = checkName(view.Name, 'table');
    await this.requireDatabase(database);
    await this.queue.run(this.key(database, name), async () => {
      const file = this.tableFile(database, name);
      const stored = await readJson<StoredTable>(file);
      const input = { ...structuredClone(view), Name: name };
      if (stored && sameView(stored.table, input)) return;
      if (stored && stored.table.TableType !== 'VIRTUAL_VIEW')
        throw new CatalogInputError(`${database}.${name} is a table, not a view`, { table: name });
      const now = new Date().toISOString();
      await writeJsonAtomic(file, {
        table: input,
        partitions: [],
        createTime: stored?.createTime ?? now,
        updateTime: now,
      } satisfies StoredTable);
    });
  }

  async registerPartitions(
    database: string,
    table: string,
    partitions: PartitionInput[],
  ): Promise<RegisterPartitionsResult> {
    const name = checkName(table, 'table');
    return this.queue.run(this.key(database, name), async () => {
      const file = this.tableFile(database, name);
      const stored = await readJson<StoredTable>(file);
      if (!stored) {
        throw new CatalogInputError(`table ${database}.${name} does not exist: ensureTable first`, {
          table: name,
        });
      }
      const arity = stored.table.PartitionKeys?.length ?? 0;
      const known = new Set(stored.partitions.map((p) => valuesKey(p.Values)));
      const fresh: PartitionInput[] = [];
      let existing = 0;
      for (const partition of partitions) {
        if (partition.Values.length !== arity) {
          throw new CatalogInputError(
            `partition (${partition.Values.join(', ')}) of ${database}.${name} needs ${arity} values`,
            { table: name },
          );
        }
        const key = valuesKey(partition.Values);
        if (known.has(key)) {
          existing++;
          continue;
        }
        known.add(key);
        fresh.push(structuredClone(partition));
      }
      if (fresh.length > 0) {
        await writeJsonAtomic(file, {
          ...stored,
          partitions: [...stored.partitions, ...fresh],
          updateTime: new Date().toISOString(),
        } satisfies StoredTable);
      }
      return { created: fresh.length, existing };
    });
  }

  async getTable(database: string, table: string): Promise<TableInput | undefined> {
    return (await this.readStored(database, table))?.table;
  }

  async listTables(database: string): Promise<TableInput[]> {
    let names: string[];
    try {
      names = (await readdir(this.databaseDir(database))).filter((f) => f.endsWith('.json'));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    const tables = await Promise.all(
      names.sort().map((f) => this.getTable(database, f.slice(0, -5))),
    );
    return tables.filter((t): t is TableInput => t !== undefined);
  }

  async listPartitions(database: string, table: string): Promise<PartitionInput[]> {
    return (await this.readStored(database, table))?.partitions ?? [];
  }

  /** Databases that exist, sorted. */
  async listDatabases(): Promise<string[]> {
    try {
      const entries = await readdir(this.dir, { withFileTypes: true });
      return entries
        .filter((e) => e.isDirectory())
        .map((e) => e.name)
        .sort();
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
  }

  /** The whole stored table (definition, partitions, times), or undefined. */
  async readStored(database: string, table: string): Promise<StoredTable | undefined> {
    return readJson<StoredTable>(this.tableFile(database, checkName(table, 'table')));
  }

  private async requireDatabase(database: string): Promise<void> {
    const databases = await this.listDatabases();
    if (!databases.includes(checkName(database, 'database'))) {
      throw new CatalogInputError(`database ${database} does not exist: ensureDatabase first`, {
        database,
      });
    }
  }

  private key(database: string, table: string): string {
    return `${checkName(database, 'database')}/${table}`;
  }

  private databaseDir(database: string): string {
    return path.join(this.dir, checkName(database, 'database'));
  }

  private tableFile(database: string, table: string): string {
    return path.join(this.databaseDir(database), `${table}.json`);
  }
}

/** Glue folds names to lower case; anything outside [a-z0-9_] is refused rather than guessed. */
function checkName(name: string, what: 'database' | 'table'): string {
  const lower = name.toLowerCase();
  if (!NAME_RE.test(lower)) {
    throw new CatalogInputError(`${what} name must be letters, digits and _ (got "${name}")`, {
      [what]: name,
    });
  }
  return lower;
}

function sameView(a: TableInput, b: TableInput): boolean {
  return (
    a.TableType === b.TableType &&
    a.ViewOriginalText === b.ViewOriginalText &&
    JSON.stringify(a.StorageDescriptor?.Columns) === JSON.stringify(b.StorageDescriptor?.Columns)
  );
}

function valuesKey(values: string[]): string {
  return JSON.stringify(values);
}

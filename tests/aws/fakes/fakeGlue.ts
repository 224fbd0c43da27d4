/**
 * An in-memory Glue Data Catalog behind aws-sdk-client-mock: databases, tables with a VersionId
 * that UpdateTable must match (else ConcurrentModificationException), partitions. Each client it
 * hands out records its commands by principal, as `FakeS3` does.
 */
import {
  AlreadyExistsException,
  BatchCreatePartitionCommand,
  ConcurrentModificationException,
  CreateDatabaseCommand,
  CreateTableCommand,
  EntityNotFoundException,
  GetDatabaseCommand,
  GetPartitionsCommand,
  GetTableCommand,
  GetTablesCommand,
  GlueClient,
  UpdateTableCommand,
} from '@aws-sdk/client-glue';
import type { Partition, PartitionInput, Table, TableInput } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import type { SentCommand } from './fakeS3.js';

const meta = { $metadata: { httpStatusCode: 400 } };

/** The fake catalog. */
export class FakeGlue {
  readonly sent: SentCommand[] = [];
  private readonly databases = new Map<
    string,
    Map<string, { table: Table; partitions: Map<string, Partition> }>
  >();

  createDatabase(name: string): void {
    this.databases.set(name, new Map());
  }

  /** Put a table in place as an earlier deploy would have left it. */
  seedTable(database: string, input: TableInput): void {
    this.db(database).set(input.Name!, {
      table: { ...input, VersionId: '1' } as Table,
      partitions: new Map(),
    });
  }

  table(database: string, name: string): Table | undefined {
    return this.databases.get(database)?.get(name)?.table;
  }

  partitions(database: string, name: string): string[][] {
    return [...(this.databases.get(database)?.get(name)?.partitions.values() ?? [])].map(
      (p) => p.Values!,
    );
  }

  client(principal: string): GlueClient {
    const client = new GlueClient({
      region: 'eu-west-1',
      credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    });
    const mock = mockClient(client);
    const on = <I extends object, O>(
      command: new (input: I) => unknown,
      name: string,
      fn: (input: I) => O,
    ) => {
      mock.on(command as never).callsFake(async (input: I) => {
        this.sent.push({ principal, command: name, input: input as Record<string, unknown> });
        return fn(input);
      });
    };
    on(
      GetDatabaseCommand,
      'GetDatabase',
      (i) => (this.db(i.Name!), { Database: { Name: i.Name } }),
    );
    on(CreateDatabaseCommand, 'CreateDatabase', (i) => {
      if (this.databases.has(i.DatabaseInput!.Name!))
        throw new AlreadyExistsException({ message: 'exists', ...meta });
      this.createDatabase(i.DatabaseInput!.Name!);
      return {};
    });
    on(GetTableCommand, 'GetTable', (i) => ({ Table: this.entry(i.DatabaseName!, i.Name!).table }));
    on(GetTablesCommand, 'GetTables', (i) => ({
      TableList: [...this.db(i.DatabaseName!).values()].map((e) => e.table),
    }));
    on(CreateTableCommand, 'CreateTable', (i) => {
      const db = this.db(i.DatabaseName!);
      if (db.has(i.TableInput!.Name!))
        throw new AlreadyExistsException({ message: 'exists', ...meta });
      db.set(i.TableInput!.Name!, {
        table: { ...i.TableInput, DatabaseName: i.DatabaseName, VersionId: '1' } as Table,
        partitions: new Map(),
      });
      return {};
    });
    on(UpdateTableCommand, 'UpdateTable', (i) => {
      const e = this.entry(i.DatabaseName!, i.TableInput!.Name!);
      if (i.VersionId !== e.table.VersionId)
        throw new ConcurrentModificationException({ message: 'version moved', ...meta });
      e.table = {
        ...i.TableInput,
        DatabaseName: i.DatabaseName,
        VersionId: String(Number(e.table.VersionId) + 1),
      } as Table;
      return {};
    });
    on(BatchCreatePartitionCommand, 'BatchCreatePartition', (i) => {
      const e = this.entry(i.DatabaseName!, i.TableName!);
      const Errors = [];
      for (const p of i.PartitionInputList ?? []) {
        const key = JSON.stringify(p.Values);
        if (e.partitions.has(key))
          Errors.push({
            PartitionValues: p.Values,
            ErrorDetail: { ErrorCode: 'AlreadyExistsException' },
          });
        else e.partitions.set(key, { ...(p as PartitionInput), Values: p.Values } as Partition);
      }
      return { Errors };
    });
    on(GetPartitionsCommand, 'GetPartitions', (i) => ({
      Partitions: [...this.entry(i.DatabaseName!, i.TableName!).partitions.values()],
    }));
    return client;
  }

  private db(name: string) {
    const db = this.databases.get(name);
    if (!db) throw new EntityNotFoundException({ message: `database ${name} not found`, ...meta });
    return db;
  }

  private entry(database: string, name: string) {
    const e = this.db(database).get(name);
    if (!e) throw new EntityNotFoundException({ message: `table ${name} not found`, ...meta });
    return e;
  }
}

import { viewSqlOf } from '../../src/core/catalog/currentView.js';
import { describe, expect, it } from 'vitest';
import {
  catalogTableArgs,
  datasetTables,
  inBucket,
  workgroupConfiguration,
} from '../../stacks/documents/catalog.js';
import { matchesPattern, objectCreatedPattern } from '../../stacks/documents/eventPattern.js';
import { lifecycleRules } from '../../stacks/documents/storage.js';
import {
  handlerEnvironment,
  HANDLERS,
  RUNTIME,
  TRANSFORM_NODE_OPTIONS,
} from '../../stacks/documents/functions.js';
import {
  checkStage,
  stageNames,
  stageParameters,
  STAGE_PARAMETER_KEYS,
} from '../../src/aws/stageNames.js';
import { curatedTableInput } from '../../src/core/catalog/tableInput.js';
import type { Contract } from '../../src/core/contract/types.js';

const contract: Contract = {
  dataset: 'transactions',
  files: ['transactions*.csv'],
  columns: [
    { name: 'id', type: 'bigint', nullable: false },
    { name: 'amount', type: 'decimal(18,2)' },
    { name: 'currency', type: 'string' },
    { name: 'business_date', type: 'date' },
    { name: 'booked_at', type: 'timestamp' },
    { name: 'flagged', type: 'boolean' },
    { name: 'fx', type: 'double' },
    { name: 'branch', type: 'int' },
  ],
};

describe('Glue tables for the stack', () => {
  it('adds the current view of a merge dataset, as Athena stores views in Glue', () => {
    const merged = { ...contract, writeMode: 'merge' as const, primaryKey: ['transaction_id'] };
    const tables = datasetTables('lake_dev', 'curated-bucket', [merged]);
    expect(tables.map((t) => t.name)).toEqual([
      'transactions',
      'transactions_rejected',
      'transactions_current',
    ]);
    const view = tables[2]!;
    expect(view.tableType).toBe('VIRTUAL_VIEW');
    expect(view.parameters).toMatchObject({ presto_view: 'true' });
    const sql = viewSqlOf({
      Name: view.name,
      TableType: view.tableType!,
      ViewOriginalText: view.viewOriginalText!,
    });
    expect(sql).toContain('FROM "lake_dev"."transactions"');
    expect(sql).toContain('PARTITION BY "transaction_id"');
    expect(view.storageDescriptor!.location).toBeUndefined();
  });

  it('records the write mode and moves the table and its manifests into the stage bucket', () => {
    const [curated] = datasetTables('lake_dev', 'curated-bucket', [contract]);
    expect(curated!.parameters).toMatchObject({
      'lake.write_mode': 'append',
      'lake.manifests': 's3://curated-bucket/_manifests/transactions/',
    });
    const placed = inBucket(curated!, 'curated-bucket', 'lake-dev-curated-x1');
    expect(placed.storageDescriptor!.location).toBe('s3://lake-dev-curated-x1/transactions/');
    expect(placed.parameters!['lake.manifests']).toBe(
      's3://lake-dev-curated-x1/_manifests/transactions/',
    );
    expect(placed.storageDescriptor!.columns).toEqual(curated!.storageDescriptor!.columns);
  });

  it('builds a curated and a rejected table per dataset, types straight from the contract', () => {
    const tables = datasetTables('lake_dev', 'curated-bucket', [contract]);
    expect(tables.map((t) => t.name)).toEqual(['transactions', 'transactions_rejected']);
    const [curated, rejected] = tables;
    const types = Object.fromEntries(
      curated!.storageDescriptor!.columns!.map((c) => [c.name, c.type]),
    );
    for (const c of contract.columns) expect(types[c.name]).toBe(c.type);
    expect(curated!.databaseName).toBe('lake_dev');
    expect(curated!.storageDescriptor!.location).toBe('s3://curated-bucket/transactions/');
    expect(rejected!.storageDescriptor!.location).toBe(
      's3://curated-bucket/transactions_rejected/',
    );
    expect(curated!.storageDescriptor!.serDeInfo!.serializationLibrary).toBe(
      'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe',
    );
    expect(curated!.partitionKeys).toEqual([
      expect.objectContaining({ name: 'date', type: 'date' }),
      expect.objectContaining({ name: 'hour', type: 'int' }),
    ]);
  });

  it('translates every field of the TableInput (nothing dropped on the way to Pulumi)', () => {
    const input = curatedTableInput(contract, 's3://b/transactions/');
    const args = catalogTableArgs('db', input);
    expect(args.tableType).toBe(input.TableType);
    expect(args.parameters).toEqual(input.Parameters);
    expect(args.storageDescriptor!.columns!.map((c) => [c.name, c.type, c.comment])).toEqual(
      input.StorageDescriptor!.Columns!.map((c) => [c.Name, c.Type, c.Comment]),
    );
    expect(args.storageDescriptor!.inputFormat).toBe(input.StorageDescriptor!.InputFormat);
    expect(args.storageDescriptor!.outputFormat).toBe(input.StorageDescriptor!.OutputFormat);
  });

  it('follows the contract grain: a day-grain dataset gets the date key only, and records its partitioning', () => {
    const byDay: Contract = { ...contract, partitioning: { time: 'business_date', grain: 'day' } };
    const [curated, rejected] = datasetTables('lake_dev', 'curated-bucket', [byDay]);
    expect(curated!.partitionKeys).toEqual([
      expect.objectContaining({ name: 'date', type: 'date' }),
    ]);
    expect(rejected!.partitionKeys?.map((k) => k.name)).toEqual(['date']);
    expect(curated!.parameters).toMatchObject({
      'lake.partition_time': 'business_date',
      'lake.partition_grain': 'day',
    });
    expect(rejected!.parameters).toMatchObject({
      'lake.partition_time': 'ingestion',
      'lake.partition_grain': 'day',
    });
  });

  it('refuses two contracts for one dataset', () => {
    expect(() => datasetTables('db', 'b', [contract, contract])).toThrow(/two contracts/);
  });
});

describe('Athena workgroup', () => {
  it('uses engine 3, encrypted results in the results bucket, enforced', () => {
    const cfg = workgroupConfiguration('results-bucket');
    expect(cfg.engineVersion.selectedEngineVersion).toBe('Athena engine version 3');
    expect(cfg.enforceWorkgroupConfiguration).toBe(true);
    expect(cfg.resultConfiguration.outputLocation).toBe('s3://results-bucket/results/');
    expect(cfg.resultConfiguration.encryptionConfiguration.encryptionOption).toBe('SSE_S3');
    expect(() => workgroupConfiguration('b', 'r/', 1000)).toThrow(/10 MB/);
  });
});

describe('event pattern', () => {
  const event = {
    version: '0',
    source: 'aws.s3',
    'detail-type': 'Object Created',
    detail: {
      bucket: { name: 'ingest-bucket' },
      object: { key: 'users.csv', size: 10 },
      reason: 'PutObject',
    },
  };

  it('matches Object Created events of the ingest bucket only', () => {
    const pattern = objectCreatedPattern('ingest-bucket');
    expect(pattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { bucket: { name: ['ingest-bucket'] } },
    });
    expect(matchesPattern(pattern, event)).toBe(true);
    expect(
      matchesPattern(pattern, {
        ...event,
        detail: { ...event.detail, bucket: { name: 'raw-bucket' } },
      }),
    ).toBe(false);
    expect(matchesPattern(pattern, { ...event, 'detail-type': 'Object Deleted' })).toBe(false);
    expect(matchesPattern(pattern, { ...event, source: 'my.app' })).toBe(false);
  });

  it('supports prefix matchers and array fields', () => {
    expect(matchesPattern({ detail: { object: { key: [{ prefix: 'users' }] } } }, event)).toBe(
      true,
    );
    expect(matchesPattern({ resources: ['arn:x'] }, { resources: ['arn:y', 'arn:x'] })).toBe(true);
    expect(matchesPattern({ resources: ['arn:x'] }, {})).toBe(false);
  });

  it('refuses an empty bucket name', () => {
    expect(() => objectCreatedPattern('')).toThrow();
  });
});

describe('storage, functions and names', () => {
  it('expires ingest uploads and Athena results, keeps raw and curated', () => {
    expect(lifecycleRules('ingest')).toEqual([
      { id: 'expire-ingested-uploads', expiresIn: '7 days' },
    ]);
    expect(lifecycleRules('athenaResults', { resultsDays: 1 })).toEqual([
      { id: 'expire-query-results', expiresIn: '1 day' },
    ]);
    expect(lifecycleRules('raw')).toEqual([]);
    expect(lifecycleRules('curated')).toEqual([]);
    expect(() => lifecycleRules('ingest', { ingestDays: 0 })).toThrow();
  });

  it('deploys every handler on nodejs22.x arm64 from functions/, sized within Lambda limits', () => {
    expect(RUNTIME).toEqual({ runtime: 'nodejs22.x', architecture: 'arm64' });
    for (const h of HANDLERS) {
      expect(h.handler).toMatch(/^functions\/[a-z-]+\.handler$/);
      const mb = Number.parseInt(h.memory, 10);
      expect(mb).toBeGreaterThanOrEqual(128);
      expect(mb).toBeLessThanOrEqual(10240);
      const seconds = Number.parseInt(h.timeout, 10) * (h.timeout.endsWith('minutes') ? 60 : 1);
      expect(seconds).toBeLessThanOrEqual(900);
    }
    const env = handlerEnvironment({
      rawBucket: 'r',
      curatedBucket: 'c',
      quarantineBucket: 'q',
      database: 'd',
    });
    expect(env).toMatchObject({
      RAW_BUCKET: 'r',
      CURATED_BUCKET: 'c',
      QUARANTINE_BUCKET: 'q',
      CATALOG_DATABASE: 'd',
      CONTRACTS_DIR: 'schemas',
    });
    expect(env).not.toHaveProperty('S3_ENDPOINT');
    expect(env).not.toHaveProperty('NODE_OPTIONS');
    // The transform runs with the Node flags the benchmark measures it with.
    const transformEnv = handlerEnvironment(
      { rawBucket: 'r', curatedBucket: 'c', quarantineBucket: 'q', database: 'd' },
      'transform',
    );
    expect(transformEnv).toMatchObject({ ...env, NODE_OPTIONS: TRANSFORM_NODE_OPTIONS });
    expect(TRANSFORM_NODE_OPTIONS).toMatch(/^--max-semi-space-size=\d+$/);
  });

  it('derives Glue-safe, deterministic names from the stage', () => {
    expect(stageNames('Pr-42')).toEqual({
      database: 'lake_pr_42',
      workgroup: 'lake-pr-42',
      stateMachine: 'lake-pr-42-ingest',
      stateMachineLogGroup: '/aws/vendedlogs/states/lake-pr-42-ingest',
      deadLetterQueue: 'lake-pr-42-ingest-dlq',
      alarmTopic: 'lake-pr-42-alarms',
    });
    expect(() => checkStage('a b')).toThrow();
    expect(() => checkStage('1abc')).toThrow();
    const params = stageParameters({
      stage: 's',
      ingestBucket: 'i',
      rawBucket: 'r',
      curatedBucket: 'c',
      quarantineBucket: 'q',
      athenaResultsBucket: 'a',
      workgroup: 'w',
      stateMachineArn: 'arn',
    });
    expect(Object.keys(params).sort()).toEqual(Object.values(STAGE_PARAMETER_KEYS).sort());
    expect(params['lake.ingest_bucket']).toBe('i');
  });
});

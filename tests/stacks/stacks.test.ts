/**
 * The stack modules run under Pulumi's mocks (no engine, no AWS): the real `@pulumi/aws` v7
 * resources, with SST's two components replaced by recorders. This checks the wiring that the
 * document tests cannot: which resources exist, and that each gets the documents it should.
 */
import * as pulumi from '@pulumi/pulumi';
import type { MockResourceArgs } from '@pulumi/pulumi/runtime/mocks.js';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadContracts } from '../../src/core/contract/index.js';
import { stageNames } from '../../src/aws/stageNames.js';
import { HANDLERS } from '../../stacks/documents/functions.js';
import { objectCreatedPattern } from '../../stacks/documents/eventPattern.js';
import type { FunctionPermission, PolicyDocument } from '../../stacks/documents/policies.js';

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
const registered: MockResourceArgs[] = [];
const functions: Array<{ name: string; args: Record<string, unknown> }> = [];

/** Resolve an output (or plain value) under the mocks. */
function value<T>(input: pulumi.Input<T>): Promise<T> {
  return new Promise((resolve) => pulumi.output(input).apply((v) => resolve(v as T)));
}

class FakeBucket {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  constructor(
    readonly component: string,
    readonly args: Record<string, unknown> = {},
  ) {
    this.name = pulumi.output(`lake-test-${component.toLowerCase()}-abc123`);
    this.arn = this.name.apply((n) => `arn:aws:s3:::${n}`);
  }
}

class FakeFunction {
  readonly name: pulumi.Output<string>;
  readonly arn: pulumi.Output<string>;
  constructor(component: string, args: Record<string, unknown>) {
    functions.push({ name: component, args });
    this.name = pulumi.output(`lake-test-${component}`);
    this.arn = pulumi.output(`arn:aws:lambda:${REGION}:${ACCOUNT}:function:lake-test-${component}`);
  }
}

let outputs: Record<string, unknown>;
const byType = (type: string) => registered.filter((r) => r.type === type);
const one = (type: string) => {
  const found = byType(type);
  expect(found, type).toHaveLength(1);
  return found[0]!;
};

beforeAll(async () => {
  await pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        registered.push(args);
        const arn =
          args.type === 'aws:sfn/stateMachine:StateMachine'
            ? `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${args.inputs.name}`
            : `arn:aws:test:${REGION}:${ACCOUNT}:${args.name}`;
        return {
          id: `${args.name}-id`,
          state: { ...args.inputs, arn, name: args.inputs.name ?? args.name },
        };
      },
      call: (args) => {
        if (args.token === 'aws:index/getPartition:getPartition')
          return { partition: 'aws', dnsSuffix: 'amazonaws.com', id: 'aws' };
        if (args.token === 'aws:index/getRegion:getRegion')
          return { region: REGION, name: REGION, id: REGION };
        if (args.token === 'aws:index/getCallerIdentity:getCallerIdentity')
          return {
            accountId: ACCOUNT,
            arn: `arn:aws:iam::${ACCOUNT}:root`,
            userId: 'u',
            id: ACCOUNT,
          };
        throw new Error(`unexpected call ${args.token}`);
      },
    },
    'lake',
    'test',
    false,
  );
  const aws = await import('@pulumi/aws');
  Object.assign(globalThis, {
    aws,
    $util: pulumi,
    $interpolate: pulumi.interpolate,
    $app: { name: 'lake', stage: 'test', removal: 'remove', protect: false },
    sst: { aws: { Bucket: FakeBucket, Function: FakeFunction } },
  });
  const { createStorage } = await import('../../stacks/storage.js');
  const { createPipeline } = await import('../../stacks/pipeline.js');
  const { createCatalog } = await import('../../stacks/catalog.js');
  const { createOperations } = await import('../../stacks/operations.js');
  const names = stageNames('test');
  const storage = createStorage();
  const pipeline = createPipeline(storage, names);
  const catalog = createCatalog(
    storage,
    names,
    await loadContracts('schemas'),
    pipeline.stateMachine.arn,
  );
  createOperations(pipeline, names, { alarmEmail: 'ops@example.com' });
  outputs = {
    stateMachineArn: await value(pipeline.stateMachine.arn),
    database: await value(catalog.database.name),
    workgroup: await value(catalog.workgroup.name),
    ingest: await value(storage.ingest.name),
  };
  // Registrations trail their inputs: yield until the count stops changing.
  for (let stable = 0, last = -1; stable < 20;) {
    await new Promise((r) => setImmediate(r));
    stable = registered.length === last ? stable + 1 : 0;
    last = registered.length;
  }
}, 60_000);

describe('stacks under Pulumi mocks', () => {
  it('creates the five buckets, each encrypted; the raw one versioned; ingest notifies EventBridge', () => {
    const encryption = byType(
      'aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration',
    );
    expect(encryption.map((r) => r.inputs.bucket).sort()).toEqual(
      ['athenaresults', 'curated', 'ingest', 'quarantine', 'raw'].map(
        (b) => `lake-test-${b}-abc123`,
      ),
    );
    for (const r of encryption)
      expect(r.inputs.rules[0].applyServerSideEncryptionByDefault.sseAlgorithm).toBe('AES256');
    expect(one('aws:s3/bucketNotification:BucketNotification').inputs).toMatchObject({
      bucket: 'lake-test-ingest-abc123',
      eventbridge: true,
    });
  });

  it('deploys each handler with its permissions, the contracts, and the environment', async () => {
    expect(functions.map((f) => f.name)).toEqual(HANDLERS.map((h) => h.component));
    for (const f of functions) {
      expect(f.args).toMatchObject({
        runtime: 'nodejs22.x',
        architecture: 'arm64',
        copyFiles: [{ from: 'schemas', to: 'schemas' }],
      });
      const env = await value(f.args.environment as Record<string, string>);
      expect(env).toMatchObject({
        RAW_BUCKET: 'lake-test-raw-abc123',
        CURATED_BUCKET: 'lake-test-curated-abc123',
        CATALOG_DATABASE: 'lake_test',
      });
      const perms = await value(f.args.permissions as FunctionPermission[]);
      const resources = perms.flatMap((p) => p.resources);
      expect(resources.length).toBeGreaterThan(0);
      for (const r of resources) expect(r).toMatch(/lake-test-|glue:eu-west-1:123456789012:/);
    }
  });

  it('creates the state machine from the ASL with the function ARNs, logging to its log group', async () => {
    const sm = one('aws:sfn/stateMachine:StateMachine');
    expect(sm.inputs.name).toBe('lake-test-ingest');
    const definition = sm.inputs.definition as string;
    expect(definition).not.toContain('${');
    for (const h of HANDLERS) expect(definition).toContain(`function:lake-test-${h.component}`);
    expect(sm.inputs.loggingConfiguration).toMatchObject({
      level: 'ALL',
      includeExecutionData: true,
    });
    expect(sm.inputs.loggingConfiguration.logDestination).toMatch(/:\*$/);
    expect(outputs.stateMachineArn).toBe(
      `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:lake-test-ingest`,
    );
  });

  it('lets the state machine role invoke exactly the five functions', () => {
    const policies = byType('aws:iam/rolePolicy:RolePolicy').map(
      (r) => JSON.parse(r.inputs.policy as string) as PolicyDocument,
    );
    const invoke = policies
      .flatMap((p) => p.Statement)
      .filter((s) => s.Action.includes('lambda:InvokeFunction'));
    expect(invoke).toHaveLength(1);
    expect(invoke[0]!.Resource.filter((r) => !r.endsWith(':*')).sort()).toEqual(
      HANDLERS.map(
        (h) => `arn:aws:lambda:${REGION}:${ACCOUNT}:function:lake-test-${h.component}`,
      ).sort(),
    );
  });

  it('starts the state machine from an EventBridge rule on the ingest bucket, with a start-only role', () => {
    const rule = one('aws:cloudwatch/eventRule:EventRule');
    expect(JSON.parse(rule.inputs.eventPattern as string)).toEqual(
      objectCreatedPattern('lake-test-ingest-abc123'),
    );
    const target = one('aws:cloudwatch/eventTarget:EventTarget');
    expect(target.inputs.arn).toBe(outputs.stateMachineArn);
    const start = byType('aws:iam/rolePolicy:RolePolicy')
      .map((r) => JSON.parse(r.inputs.policy as string) as PolicyDocument)
      .find((p) => p.Statement.some((s) => s.Sid === 'StartIngest'))!;
    expect(start.Statement).toEqual([
      {
        Sid: 'StartIngest',
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: [outputs.stateMachineArn],
      },
    ]);
  });

  it('catalogs every contract as a table and a rejected table (and the current view of a merge table) in the stage database, with the outputs recorded', async () => {
    const contracts = await loadContracts('schemas');
    const all = byType('aws:glue/catalogTable:CatalogTable');
    expect(all.map((t) => t.inputs.name).sort()).toEqual(
      contracts
        .flatMap((c) => [
          c.dataset,
          `${c.dataset}_rejected`,
          ...(c.writeMode === 'merge' ? [`${c.dataset}_current`] : []),
        ])
        .sort(),
    );
    const tables = all.filter((t) => t.inputs.tableType !== 'VIRTUAL_VIEW');
    for (const t of tables) {
      expect(t.inputs.databaseName).toBe('lake_test');
      expect(t.inputs.storageDescriptor.location).toBe(
        `s3://lake-test-curated-abc123/${t.inputs.name}/`,
      );
      expect(t.inputs.parameters['lake.manifests']).toMatch(
        /^s3:\/\/lake-test-curated-abc123\/_manifests\//,
      );
    }
    const db = one('aws:glue/catalogDatabase:CatalogDatabase');
    expect(db.inputs.parameters).toMatchObject({
      'lake.stage': 'test',
      'lake.ingest_bucket': 'lake-test-ingest-abc123',
      'lake.state_machine_arn': outputs.stateMachineArn,
    });
    const wg = one('aws:athena/workgroup:Workgroup');
    expect(wg.inputs.configuration).toMatchObject({
      enforceWorkgroupConfiguration: true,
      engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
    });
    expect(wg.inputs.configuration.resultConfiguration.outputLocation).toBe(
      's3://lake-test-athenaresults-abc123/results/',
    );
  });

  it('keeps undeliverable ingest events in an encrypted dead-letter queue only the rule may write', async () => {
    const queue = one('aws:sqs/queue:Queue');
    expect(queue.inputs).toMatchObject({
      name: 'lake-test-ingest-dlq',
      sqsManagedSseEnabled: true,
      messageRetentionSeconds: 14 * 24 * 3600,
    });
    const target = one('aws:cloudwatch/eventTarget:EventTarget');
    expect(target.inputs.deadLetterConfig).toEqual({
      arn: `arn:aws:test:${REGION}:${ACCOUNT}:IngestDeadLetters`,
    });
    expect(target.inputs.retryPolicy).toEqual({
      maximumEventAgeInSeconds: 86_400,
      maximumRetryAttempts: 185,
    });
    const policy = JSON.parse(
      one('aws:sqs/queuePolicy:QueuePolicy').inputs.policy as string,
    ) as PolicyDocument;
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: 'events.amazonaws.com' },
        Action: ['sqs:SendMessage'],
        Resource: [`arn:aws:test:${REGION}:${ACCOUNT}:IngestDeadLetters`],
        Condition: {
          ArnEquals: { 'aws:SourceArn': `arn:aws:test:${REGION}:${ACCOUNT}:IngestObjectCreated` },
        },
      }),
    ]);
  });

  it('alarms to a KMS-encrypted topic with the configured e-mail: executions, quarantine, dead letters, each Lambda', () => {
    const topic = one('aws:sns/topic:Topic');
    expect(topic.inputs).toMatchObject({
      name: 'lake-test-alarms',
      kmsMasterKeyId: `arn:aws:test:${REGION}:${ACCOUNT}:AlarmTopicKey`,
    });
    const key = JSON.parse(one('aws:kms/key:Key').inputs.policy as string) as {
      Statement: Array<{ Principal: unknown; Action: unknown }>;
    };
    expect(key.Statement.map((s) => s.Principal)).toContainEqual({
      Service: 'cloudwatch.amazonaws.com',
    });
    expect(one('aws:sns/topicSubscription:TopicSubscription').inputs).toMatchObject({
      protocol: 'email',
      endpoint: 'ops@example.com',
    });
    const alarms = byType('aws:cloudwatch/metricAlarm:MetricAlarm');
    expect(alarms).toHaveLength(4 + 2 * HANDLERS.length);
    const by = (metric: string) => alarms.filter((a) => a.inputs.metricName === metric);
    expect(by('ExecutionsFailed')[0]!.inputs.dimensions).toEqual({
      StateMachineArn: outputs.stateMachineArn,
    });
    expect(by('FilesQuarantined')[0]!.inputs).toMatchObject({
      namespace: 'Lake',
      dimensions: { service: 'lake', stage: 'test' },
    });
    expect(by('ApproximateNumberOfMessagesVisible')[0]!.inputs.dimensions).toEqual({
      QueueName: 'lake-test-ingest-dlq',
    });
    expect(
      by('Errors')
        .map((a) => (a.inputs.dimensions as { FunctionName: string }).FunctionName)
        .sort(),
    ).toEqual(HANDLERS.map((h) => `lake-test-${h.component}`).sort());
    expect(by('Throttles')).toHaveLength(HANDLERS.length);
    for (const a of alarms) {
      expect(a.inputs.alarmActions).toEqual([`arn:aws:test:${REGION}:${ACCOUNT}:AlarmTopic`]);
      expect(a.inputs).toMatchObject({ threshold: 1, treatMissingData: 'notBreaching' });
    }
  });

  it('gives every handler its stage for the metrics dimension', async () => {
    expect(functions).toHaveLength(HANDLERS.length);
    for (const f of functions)
      expect(await value(f.args.environment as pulumi.Input<Record<string, string>>)).toMatchObject(
        {
          LAKE_STAGE: 'test',
        },
      );
  });
});

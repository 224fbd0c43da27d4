/**
 * The pipeline: five `sst.aws.Function` handlers, the state machine created from
 * `workflows/ingest.asl.json` with their ARNs substituted, and the EventBridge rule that starts it
 * for every object created in the ingest bucket. Every role gets only what its documents name.
 */
import { handlerEnvironment, HANDLERS, RUNTIME } from './documents/functions.js';
import { objectCreatedPattern } from './documents/eventPattern.js';
import {
  handlerPermissions,
  serviceTrustPolicy,
  startExecutionPolicy,
  stateMachinePolicy,
  usesDistributedMap,
} from './documents/policies.js';
import type { ArnContext } from './documents/policies.js';
import { renderIngestDefinition } from './documents/stateMachine.js';
import {
  deadLetterQueuePolicy,
  DLQ_RETENTION_SECONDS,
  INGEST_RETRY_POLICY,
} from './documents/operations.js';
import type { IngestFunctionArns } from './documents/stateMachine.js';
import type { StageNames } from '../src/aws/stageNames.js';
import { loadIngestTemplate } from '../workflows/render.js';
import type { Storage } from './storage.js';

/** What the pipeline exposes to the catalog and the outputs. */
export interface Pipeline {
  functions: sst.aws.Function[];
  stateMachine: aws.sfn.StateMachine;
  /** Ingest events EventBridge could not deliver to the state machine. */
  deadLetterQueue: aws.sqs.Queue;
}

/** Create the handlers, the state machine (role, log group) and the EventBridge rule (role, target). */
export function createPipeline(storage: Storage, names: StageNames): Pipeline {
  const ctx = arnContext();
  const functions = createFunctions(storage, names, ctx);
  const stateMachine = createStateMachine(functions, names, ctx);
  const deadLetterQueue = createIngestRule(storage, stateMachine, names, ctx);
  return { functions, stateMachine, deadLetterQueue };
}

/** Partition, region and account of the deployment, for ARNs of things the stack does not create. */
function arnContext(): $util.Output<ArnContext> {
  return $util
    .all([aws.getPartitionOutput(), aws.getRegionOutput(), aws.getCallerIdentityOutput()])
    .apply(([p, r, id]) => ({
      partition: p.partition,
      region: r.region,
      accountId: id.accountId,
    }));
}

function createFunctions(
  storage: Storage,
  names: StageNames,
  ctx: $util.Output<ArnContext>,
): sst.aws.Function[] {
  const buckets = $util.all([
    storage.ingest.name,
    storage.raw.name,
    storage.curated.name,
    storage.quarantine.name,
  ]);
  return HANDLERS.map(
    (spec) =>
      new sst.aws.Function(spec.component, {
        handler: spec.handler,
        description: spec.description,
        runtime: RUNTIME.runtime,
        architecture: RUNTIME.architecture,
        memory: spec.memory,
        timeout: spec.timeout,
        // Contracts are read at run time from the bundle, as `CONTRACTS_DIR=schemas`.
        copyFiles: [{ from: 'schemas', to: 'schemas' }],
        logging: { format: 'json', retention: '1 month' },
        environment: buckets.apply(([, raw, curated, quarantine]) =>
          handlerEnvironment(
            {
              rawBucket: raw,
              curatedBucket: curated,
              quarantineBucket: quarantine,
              database: names.database,
              stage: $app.stage,
            },
            spec.name,
          ),
        ),
        permissions: $util.all([buckets, ctx]).apply(([[ingest, raw, curated, quarantine], c]) =>
          handlerPermissions(
            spec.name,
            {
              ingestBucket: ingest,
              rawBucket: raw,
              curatedBucket: curated,
              quarantineBucket: quarantine,
              database: names.database,
              stateMachineName: names.stateMachine,
            },
            c,
          ),
        ),
      }),
  );
}

function createStateMachine(
  functions: sst.aws.Function[],
  names: StageNames,
  ctx: $util.Output<ArnContext>,
): aws.sfn.StateMachine {
  const template = loadIngestTemplate();
  const arns = $util.all(functions.map((f) => f.arn));
  const logGroup = new aws.cloudwatch.LogGroup('IngestStateMachineLogs', {
    name: names.stateMachineLogGroup,
    retentionInDays: 30,
  });
  const role = new aws.iam.Role('IngestStateMachineRole', {
    assumeRolePolicy: ctx.apply((c) =>
      JSON.stringify(serviceTrustPolicy('states.amazonaws.com', c)),
    ),
  });
  const policy = new aws.iam.RolePolicy('IngestStateMachineInvokeFunctions', {
    role: role.id,
    policy: $util.all([arns, ctx]).apply(([a, c]) =>
      JSON.stringify(
        stateMachinePolicy(a, names.stateMachine, c, {
          distributedMap: usesDistributedMap(template),
        }),
      ),
    ),
  });
  return new aws.sfn.StateMachine(
    'IngestStateMachine',
    {
      name: names.stateMachine,
      type: 'STANDARD',
      roleArn: role.arn,
      definition: arns.apply((a) =>
        renderIngestDefinition(
          template,
          Object.fromEntries(HANDLERS.map((h, i) => [h.placeholder, a[i]!])) as IngestFunctionArns,
        ),
      ),
      loggingConfiguration: {
        level: 'ALL',
        includeExecutionData: true,
        logDestination: $interpolate`${logGroup.arn}:*`,
      },
    },
    // Step Functions checks at creation that the role may invoke and log.
    { dependsOn: [policy] },
  );
}

/** The rule, its role and its target, with a retry policy and an encrypted dead-letter queue. */
function createIngestRule(
  storage: Storage,
  stateMachine: aws.sfn.StateMachine,
  names: StageNames,
  ctx: $util.Output<ArnContext>,
): aws.sqs.Queue {
  const rule = new aws.cloudwatch.EventRule('IngestObjectCreated', {
    description: 'S3 Object Created in the ingest bucket starts the ingest state machine',
    eventPattern: storage.ingest.name.apply((bucket) =>
      JSON.stringify(objectCreatedPattern(bucket)),
    ),
  });
  const role = new aws.iam.Role('IngestRuleRole', {
    assumeRolePolicy: ctx.apply((c) =>
      JSON.stringify(serviceTrustPolicy('events.amazonaws.com', c)),
    ),
  });
  new aws.iam.RolePolicy('IngestRuleStartExecution', {
    role: role.id,
    policy: stateMachine.arn.apply((arn) => JSON.stringify(startExecutionPolicy(arn))),
  });
  // SSE-SQS: EventBridge can write to it (it could not use the AWS-managed aws/sqs KMS key).
  const deadLetterQueue = new aws.sqs.Queue('IngestDeadLetters', {
    name: names.deadLetterQueue,
    sqsManagedSseEnabled: true,
    messageRetentionSeconds: DLQ_RETENTION_SECONDS,
  });
  new aws.sqs.QueuePolicy('IngestDeadLettersFromRule', {
    queueUrl: deadLetterQueue.url,
    policy: $util
      .all([deadLetterQueue.arn, rule.arn])
      .apply(([queue, ruleArn]) => JSON.stringify(deadLetterQueuePolicy(queue, ruleArn))),
  });
  new aws.cloudwatch.EventTarget('IngestStartsStateMachine', {
    rule: rule.name,
    arn: stateMachine.arn,
    roleArn: role.arn,
    // EventBridge retries delivery for a day, then keeps the event in the dead-letter queue.
    retryPolicy: INGEST_RETRY_POLICY,
    deadLetterConfig: { arn: deadLetterQueue.arn },
  });
  return deadLetterQueue;
}

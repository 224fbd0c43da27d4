/**
 * IAM documents of the pipeline, as pure functions of resource names. Every statement names its
 * actions (no wildcards) and its resources; the one exception AWS forces is documented where it is.
 */

/** One IAM policy statement. */
export interface PolicyStatement {
  Sid?: string;
  Effect: 'Allow' | 'Deny';
  /** Resource policies only (a queue's, a key's). */
  Principal?: Record<string, string>;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

/** An IAM policy document. */
export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: PolicyStatement[];
}

/** A permission in the shape `sst.aws.Function` takes (`permissions: [{ actions, resources }]`). */
export interface FunctionPermission {
  actions: string[];
  resources: string[];
}

/** Where the pipeline lives: partition, region and account fill ARNs the stack does not create. */
export interface ArnContext {
  partition: string;
  region: string;
  accountId: string;
}

/** Names of the stage's resources that policies refer to. */
export interface PipelineResources {
  ingestBucket: string;
  rawBucket: string;
  curatedBucket: string;
  quarantineBucket: string;
  database: string;
  stateMachineName: string;
}

/** A policy document from statements. */
export function policyDocument(statements: PolicyStatement[]): PolicyDocument {
  return { Version: '2012-10-17', Statement: statements };
}

/** The ARN of an S3 bucket (`bucketArn`) or of objects under a prefix (`objectsArn`). */
export const s3Arn = {
  bucket: (ctx: Pick<ArnContext, 'partition'>, bucket: string) =>
    `arn:${ctx.partition}:s3:::${bucket}`,
  objects: (ctx: Pick<ArnContext, 'partition'>, bucket: string, prefix = '') =>
    `arn:${ctx.partition}:s3:::${bucket}/${prefix}*`,
};

/** Glue ARNs: the catalog, a database, and the tables of a database. */
export const glueArn = {
  catalog: (ctx: ArnContext) => `arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:catalog`,
  database: (ctx: ArnContext, db: string) =>
    `arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:database/${db}`,
  tables: (ctx: ArnContext, db: string) =>
    `arn:${ctx.partition}:glue:${ctx.region}:${ctx.accountId}:table/${db}/*`,
};

/** Step Functions ARNs: a state machine, its executions, and its Distributed Map child executions. */
export const statesArn = {
  stateMachine: (ctx: ArnContext, name: string) =>
    `arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:stateMachine:${name}`,
  executions: (ctx: ArnContext, name: string) =>
    `arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:execution:${name}:*`,
  mapRunExecutions: (ctx: ArnContext, name: string) =>
    `arn:${ctx.partition}:states:${ctx.region}:${ctx.accountId}:execution:${name}/*`,
};

/** The Lambda handlers of the pipeline. */
export type HandlerName = 'copyToRaw' | 'validate' | 'transform' | 'commit' | 'quarantine';

/**
 * What each handler may do, and on what: read the source, write its own output, nothing else.
 * Exactly what the code sends, checked by `tests/stacks/iamCoverage.test.ts` (every command of the
 * workflow scenarios is granted, every grant is used). Rules behind the less obvious grants:
 * - `s3:ListBucket` on a bucket whose objects a handler reads: S3 answers a missing key with 404
 *   only to a caller who may list (403 otherwise), and HeadBucket (a HEAD miss: no key, or no
 *   bucket?) is authorised by it.
 * - A CopyObject copies the source's tags: `s3:GetObjectTagging` on the source and
 *   `s3:PutObjectTagging` on the target.
 * - A copy above 5 GiB is a multipart copy (UploadPartCopy needs GetObject on the source, PutObject
 *   on the target); a failed one is aborted: `s3:AbortMultipartUpload` on the target.
 * - No `s3:GetObjectVersion`: copies pin a version id only when the event has one, and the ingest
 *   bucket keeps no versions; the other reads take the current version.
 */
export function handlerPermissions(
  handler: HandlerName,
  r: PipelineResources,
  ctx: ArnContext,
): FunctionPermission[] {
  const objects = (bucket: string, prefix = '') => s3Arn.objects(ctx, bucket, prefix);
  const bucket = (name: string) => s3Arn.bucket(ctx, name);
  const copySource = ['s3:GetObject', 's3:GetObjectTagging'];
  const copyTarget = ['s3:PutObject', 's3:PutObjectTagging', 's3:AbortMultipartUpload'];
  switch (handler) {
    case 'copyToRaw':
      return [
        { actions: copySource, resources: [objects(r.ingestBucket)] },
        { actions: ['s3:ListBucket'], resources: [bucket(r.ingestBucket)] },
        // The raw copy and its `_lake_source.json`.
        { actions: copyTarget, resources: [objects(r.rawBucket)] },
      ];
    case 'validate':
      return [
        { actions: ['s3:GetObject'], resources: [objects(r.rawBucket)] },
        { actions: ['s3:ListBucket'], resources: [bucket(r.rawBucket)] },
        // The UTF-8 copy of a gzip or UTF-16 file, which the chunks are planned on.
        { actions: ['s3:PutObject'], resources: [objects(r.rawBucket, '_decoded/')] },
      ];
    case 'transform':
      return [
        { actions: ['s3:GetObject'], resources: [objects(r.rawBucket)] },
        { actions: ['s3:ListBucket'], resources: [bucket(r.rawBucket)] },
        // Transform only stages; Commit publishes.
        { actions: ['s3:PutObject'], resources: [objects(r.curatedBucket, '_staging/')] },
      ];
    case 'commit':
      return [
        { actions: ['s3:ListBucket'], resources: [bucket(r.curatedBucket)] },
        {
          actions: [
            's3:GetObject',
            's3:GetObjectTagging',
            's3:PutObject',
            's3:PutObjectTagging',
            's3:DeleteObject',
          ],
          resources: [objects(r.curatedBucket)],
        },
        {
          // The stack creates the database; Commit creates and evolves tables and `_current` views.
          actions: [
            'glue:GetDatabase',
            'glue:GetTable',
            'glue:CreateTable',
            'glue:UpdateTable',
            'glue:BatchCreatePartition',
          ],
          resources: [
            glueArn.catalog(ctx),
            glueArn.database(ctx, r.database),
            glueArn.tables(ctx, r.database),
          ],
        },
      ];
    case 'quarantine':
      return [
        { actions: copySource, resources: [objects(r.ingestBucket)] },
        { actions: copyTarget, resources: [objects(r.quarantineBucket)] },
        // Drop what the failed run staged: list and delete under `_staging/` of the curated bucket only.
        {
          actions: ['s3:ListBucket'],
          resources: [bucket(r.ingestBucket), bucket(r.curatedBucket)],
        },
        { actions: ['s3:DeleteObject'], resources: [objects(r.curatedBucket, '_staging/')] },
      ];
  }
}

/** The role policy of the state machine: invoke the five functions (and their versions), run its own Map children, log. */
export function stateMachinePolicy(
  functionArns: string[],
  stateMachineName: string,
  ctx: ArnContext,
  opts: { distributedMap: boolean },
): PolicyDocument {
  if (functionArns.length === 0)
    throw new Error('the state machine needs at least one function ARN');
  const statements: PolicyStatement[] = [
    {
      Sid: 'InvokePipelineFunctions',
      Effect: 'Allow',
      Action: ['lambda:InvokeFunction'],
      // `arn:…:function:name:*` covers qualified (version/alias) invocations of the same functions.
      Resource: functionArns.flatMap((arn) => [arn, `${arn}:*`]),
    },
  ];
  if (opts.distributedMap) {
    // A Distributed Map runs its items as child executions of this very state machine.
    statements.push(
      {
        Sid: 'StartMapRunChildren',
        Effect: 'Allow',
        Action: ['states:StartExecution'],
        Resource: [statesArn.stateMachine(ctx, stateMachineName)],
      },
      {
        Sid: 'ManageMapRunChildren',
        Effect: 'Allow',
        Action: ['states:DescribeExecution', 'states:StopExecution', 'states:RedriveExecution'],
        Resource: [
          statesArn.executions(ctx, stateMachineName),
          statesArn.mapRunExecutions(ctx, stateMachineName),
        ],
      },
    );
  }
  statements.push({
    Sid: 'VendedLogDelivery',
    Effect: 'Allow',
    Action: [
      'logs:CreateLogDelivery',
      'logs:GetLogDelivery',
      'logs:UpdateLogDelivery',
      'logs:DeleteLogDelivery',
      'logs:ListLogDeliveries',
      'logs:PutResourcePolicy',
      'logs:DescribeResourcePolicies',
      'logs:DescribeLogGroups',
    ],
    // AWS: these log-delivery actions support no resource-level permissions, so `*` is required here.
    Resource: ['*'],
  });
  return policyDocument(statements);
}

/** The role policy that lets the EventBridge rule start executions of exactly one state machine. */
export function startExecutionPolicy(stateMachineArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: 'StartIngest',
      Effect: 'Allow',
      Action: ['states:StartExecution'],
      Resource: [stateMachineArn],
    },
  ]);
}

/** A trust policy letting an AWS service assume a role, scoped to this account (confused-deputy guard). */
export function serviceTrustPolicy(
  service: 'states.amazonaws.com' | 'events.amazonaws.com',
  ctx: ArnContext,
): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: service },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'aws:SourceAccount': ctx.accountId } },
      },
    ],
  };
}

/** Whether a state machine definition has a Map state in DISTRIBUTED mode (its role then needs more). */
export function usesDistributedMap(definition: unknown): boolean {
  if (Array.isArray(definition)) return definition.some(usesDistributedMap);
  if (!definition || typeof definition !== 'object') return false;
  const node = definition as Record<string, unknown>;
  const config = node.ProcessorConfig as { Mode?: string } | undefined;
  if (config?.Mode === 'DISTRIBUTED') return true;
  return Object.values(node).some(usesDistributedMap);
}

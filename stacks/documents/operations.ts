/**
 * Operations documents: the dead-letter queue of the ingest rule, the alarms of a stage and the
 * key of their SNS topic, as pure functions so tests can check them.
 */
import { METRICS_NAMESPACE } from '../../src/pipeline/runMetrics.js';
import type { ArnContext, PolicyDocument } from './policies.js';
import { policyDocument } from './policies.js';

/**
 * Events stay in the dead-letter queue for 14 days, SQS's maximum: EventBridge has already retried
 * each for a day, and an operator back from a weekend (or a two-week holiday) still finds them.
 * Replaying one needs its upload, which the ingest bucket keeps for 7 days; raw keeps copies of
 * every upload that was copied, but a dead letter's upload never was.
 */
export const DLQ_RETENTION_SECONDS = 14 * 24 * 3600;

/** EventBridge's retry of a failed delivery: a day, at most 185 attempts (its maximum). */
export const INGEST_RETRY_POLICY = { maximumEventAgeInSeconds: 86_400, maximumRetryAttempts: 185 };

/** The queue policy letting EventBridge, for this rule only, put undeliverable events in the queue. */
export function deadLetterQueuePolicy(queueArn: string, ruleArn: string): PolicyDocument {
  return policyDocument([
    {
      Sid: 'IngestRuleDeadLetters',
      Effect: 'Allow',
      Principal: { Service: 'events.amazonaws.com' },
      Action: ['sqs:SendMessage'],
      Resource: [queueArn],
      Condition: { ArnEquals: { 'aws:SourceArn': ruleArn } },
    },
  ]);
}

/**
 * The key policy of the alarm topic's KMS key. CloudWatch cannot publish to a topic encrypted with
 * the AWS-managed `aws/sns` key (it may not use that key), so the topic gets its own key that the
 * account administers and CloudWatch may use, from this account only.
 */
export function alarmTopicKeyPolicy(ctx: ArnContext): Record<string, unknown> {
  return {
    Version: '2012-10-17',
    Statement: [
      {
        Sid: 'AccountAdministers',
        Effect: 'Allow',
        Principal: { AWS: `arn:${ctx.partition}:iam::${ctx.accountId}:root` },
        Action: 'kms:*',
        Resource: '*',
      },
      {
        Sid: 'CloudWatchPublishes',
        Effect: 'Allow',
        Principal: { Service: 'cloudwatch.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Resource: '*',
        Condition: { StringEquals: { 'aws:SourceAccount': ctx.accountId } },
      },
    ],
  };
}

/** One CloudWatch alarm, in the shape of `aws.cloudwatch.MetricAlarm`'s arguments. */
export interface AlarmSpec {
  /** Resource name in the stack (PascalCase). */
  id: string;
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
  statistic: 'Sum' | 'Maximum';
  period: number;
  evaluationPeriods: number;
  threshold: number;
  comparisonOperator: 'GreaterThanOrEqualToThreshold';
  treatMissingData: 'notBreaching';
}

/** What the alarms watch. */
export interface AlarmTargets {
  stage: string;
  /** e.g. `lake-dev` */
  prefix: string;
  stateMachineArn: string;
  deadLetterQueueName: string;
  /** Deployed Lambda function names, by their component name. */
  functions: Array<{ component: string; name: string }>;
}

/**
 * The alarms of a stage, each firing on the first occurrence in a 5-minute window and resolving
 * when a window passes without one. A quarantined file raises two (`FilesQuarantined`, and the
 * `Errors` of the step that threw the data error, which the state machine catches).
 */
export function alarmSpecs(t: AlarmTargets): AlarmSpec[] {
  const alarm = (
    id: string,
    name: string,
    description: string,
    metric: Pick<AlarmSpec, 'namespace' | 'metricName' | 'dimensions' | 'statistic'>,
  ): AlarmSpec => ({
    id,
    name: `${t.prefix}-${name}`,
    description,
    ...metric,
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: 'GreaterThanOrEqualToThreshold',
    treatMissingData: 'notBreaching',
  });
  const machine = { StateMachineArn: t.stateMachineArn };
  return [
    alarm(
      'AlarmExecutionsFailed',
      'executions-failed',
      'An ingest execution failed (lake executions --status FAILED)',
      {
        namespace: 'AWS/States',
        metricName: 'ExecutionsFailed',
        dimensions: machine,
        statistic: 'Sum',
      },
    ),
    alarm('AlarmExecutionsTimedOut', 'executions-timed-out', 'An ingest execution timed out', {
      namespace: 'AWS/States',
      metricName: 'ExecutionsTimedOut',
      dimensions: machine,
      statistic: 'Sum',
    }),
    alarm(
      'AlarmFilesQuarantined',
      'files-quarantined',
      'An upload was quarantined (see its .error.json)',
      {
        namespace: METRICS_NAMESPACE,
        metricName: 'FilesQuarantined',
        dimensions: { service: 'lake', stage: t.stage },
        statistic: 'Sum',
      },
    ),
    alarm(
      'AlarmDeadLetters',
      'dead-letters',
      'Ingest events EventBridge could not deliver wait in the dead-letter queue',
      {
        namespace: 'AWS/SQS',
        metricName: 'ApproximateNumberOfMessagesVisible',
        dimensions: { QueueName: t.deadLetterQueueName },
        statistic: 'Maximum',
      },
    ),
    ...t.functions.flatMap((f) => [
      alarm(
        `Alarm${f.component}Errors`,
        `${f.component}-errors`,
        `${f.component} threw (data errors included)`,
        {
          namespace: 'AWS/Lambda',
          metricName: 'Errors',
          dimensions: { FunctionName: f.name },
          statistic: 'Sum',
        },
      ),
      alarm(
        `Alarm${f.component}Throttles`,
        `${f.component}-throttles`,
        `${f.component} was throttled`,
        {
          namespace: 'AWS/Lambda',
          metricName: 'Throttles',
          dimensions: { FunctionName: f.name },
          statistic: 'Sum',
        },
      ),
    ]),
  ];
}

/**
 * Operations: the stage's alarms (failed and timed-out executions, quarantined files, dead
 * letters, Lambda errors and throttles) and the encrypted SNS topic they notify, with an e-mail
 * subscription when the stage's config names an address.
 */
import { alarmSpecs, alarmTopicKeyPolicy } from './documents/operations.js';
import type { ArnContext } from './documents/policies.js';
import { HANDLERS } from './documents/functions.js';
import type { StageNames } from '../src/aws/stageNames.js';
import type { Pipeline } from './pipeline.js';

/** Stage configuration of operations. */
export interface OperationsConfig {
  /** Subscribed to the alarm topic (SNS asks the address to confirm). */
  alarmEmail?: string;
}

/** What operations expose to the outputs. */
export interface Operations {
  alarmTopic: aws.sns.Topic;
  alarms: aws.cloudwatch.MetricAlarm[];
}

/** Create the alarm topic (its own KMS key), the optional e-mail subscription and the alarms. */
export function createOperations(
  pipeline: Pipeline,
  names: StageNames,
  config: OperationsConfig = {},
): Operations {
  const ctx = $util
    .all([aws.getPartitionOutput(), aws.getCallerIdentityOutput()])
    .apply(([p, id]): Pick<ArnContext, 'partition' | 'accountId'> => ({
      partition: p.partition,
      accountId: id.accountId,
    }));
  const key = new aws.kms.Key('AlarmTopicKey', {
    description: `Encrypts ${names.alarmTopic}`,
    enableKeyRotation: true,
    policy: ctx.apply((c) => JSON.stringify(alarmTopicKeyPolicy({ ...c, region: '' }))),
  });
  const alarmTopic = new aws.sns.Topic('AlarmTopic', {
    name: names.alarmTopic,
    kmsMasterKeyId: key.arn,
  });
  if (config.alarmEmail) {
    new aws.sns.TopicSubscription('AlarmEmail', {
      topic: alarmTopic.arn,
      protocol: 'email',
      endpoint: config.alarmEmail,
    });
  }
  const specs = $util
    .all([
      pipeline.stateMachine.arn,
      pipeline.deadLetterQueue.name,
      $util.all(pipeline.functions.map((f) => f.name)),
    ])
    .apply(([stateMachineArn, queue, fnNames]) =>
      alarmSpecs({
        stage: $app.stage,
        prefix: names.stateMachine.replace(/-ingest$/, ''),
        stateMachineArn,
        deadLetterQueueName: queue,
        functions: HANDLERS.map((h, i) => ({ component: h.component, name: fnNames[i]! })),
      }),
    );
  // One alarm per spec; the count is fixed (HANDLERS), so resources can be declared up front.
  const count = alarmSpecs({
    stage: '',
    prefix: '',
    stateMachineArn: '',
    deadLetterQueueName: '',
    functions: HANDLERS.map((h) => ({ component: h.component, name: '' })),
  });
  const alarms = count.map(
    (template, i) =>
      new aws.cloudwatch.MetricAlarm(template.id, {
        name: specs.apply((s) => s[i]!.name),
        alarmDescription: specs.apply((s) => s[i]!.description),
        namespace: template.namespace,
        metricName: template.metricName,
        dimensions: specs.apply((s) => s[i]!.dimensions),
        statistic: template.statistic,
        period: template.period,
        evaluationPeriods: template.evaluationPeriods,
        threshold: template.threshold,
        comparisonOperator: template.comparisonOperator,
        treatMissingData: template.treatMissingData,
        alarmActions: [alarmTopic.arn],
        okActions: [alarmTopic.arn],
      }),
  );
  return { alarmTopic, alarms };
}

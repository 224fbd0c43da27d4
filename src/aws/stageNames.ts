/**
 * Names of the resources a stage owns that the `lake` CLI must find again without SST's state:
 * deterministic from the app and stage. Buckets keep SST's generated names (globally unique) and
 * are found through the Glue database's parameters instead (see `stageParameters`).
 */

/** The app name in `sst.config.ts`; part of every derived name. */
export const APP_NAME = 'lake';

/** A stage name as SST accepts it: letters, digits and hyphens, starting with a letter. */
export function checkStage(stage: string): string {
  if (!/^[a-zA-Z][a-zA-Z0-9-]{0,39}$/.test(stage)) {
    throw new Error(
      `stage "${stage}" must start with a letter and hold only letters, digits and hyphens (at most 40)`,
    );
  }
  return stage;
}

/** Names derived from app and stage. */
export interface StageNames {
  /** Glue database (lower case, underscores: Athena cannot quote-free a hyphen). */
  database: string;
  /** Athena workgroup. */
  workgroup: string;
  /** Step Functions state machine (also its log group's last segment). */
  stateMachine: string;
  /** CloudWatch log group of the state machine (Step Functions wants the `/aws/vendedlogs/` prefix). */
  stateMachineLogGroup: string;
  /** SQS queue of the ingest events EventBridge could not deliver (the CLI finds it by name). */
  deadLetterQueue: string;
  /** SNS topic the stage's alarms notify. */
  alarmTopic: string;
}

/** The deterministic resource names of a stage. */
export function stageNames(stage: string, app: string = APP_NAME): StageNames {
  checkStage(stage);
  const lower = `${app}-${stage}`.toLowerCase();
  return {
    database: lower.replace(/[^a-z0-9_]/g, '_'),
    workgroup: lower,
    stateMachine: `${lower}-ingest`,
    stateMachineLogGroup: `/aws/vendedlogs/states/${lower}-ingest`,
    deadLetterQueue: `${lower}-ingest-dlq`,
    alarmTopic: `${lower}-alarms`,
  };
}

/** Keys under which the Glue database records the stage's resources, for the `lake` CLI. */
export const STAGE_PARAMETER_KEYS = {
  stage: 'lake.stage',
  ingestBucket: 'lake.ingest_bucket',
  rawBucket: 'lake.raw_bucket',
  curatedBucket: 'lake.curated_bucket',
  quarantineBucket: 'lake.quarantine_bucket',
  athenaResultsBucket: 'lake.athena_results_bucket',
  workgroup: 'lake.workgroup',
  stateMachineArn: 'lake.state_machine_arn',
} as const;

/** A deployed stage's resource names: what `sst.config.ts` outputs and what the CLI needs. */
export interface StageOutputs {
  stage: string;
  ingestBucket: string;
  rawBucket: string;
  curatedBucket: string;
  quarantineBucket: string;
  athenaResultsBucket: string;
  database: string;
  workgroup: string;
  stateMachineArn: string;
}

/** The Glue database parameters that record a stage's outputs (all but the database name). */
export function stageParameters(outputs: Omit<StageOutputs, 'database'>): Record<string, string> {
  const params: Record<string, string> = {};
  for (const [field, key] of Object.entries(STAGE_PARAMETER_KEYS)) {
    params[key] = outputs[field as keyof typeof STAGE_PARAMETER_KEYS];
  }
  return params;
}

/**
 * One call for `lake … --stage NAME`: find the stage's resources, then hand out its executions
 * (Step Functions) and a query function (Athena) bound to the stage's workgroup and database.
 */
import { AthenaClient } from '@aws-sdk/client-athena';
import { GlueClient } from '@aws-sdk/client-glue';
import { SFNClient } from '@aws-sdk/client-sfn';
import { runAthenaQuery } from './athena.js';
import type { AthenaQueryOptions, AthenaQueryResult } from './athena.js';
import { findStageOutputs } from './stage.js';
import type { StageOutputs } from './stageNames.js';
import { StepFunctionsExecutions } from './stepFunctions.js';

/** A deployed stage, ready for the CLI. */
export interface StageHandle {
  outputs: StageOutputs;
  executions: StepFunctionsExecutions;
  /** Run SQL in the stage's workgroup and database. */
  query(sql: string, options?: AthenaQueryOptions): Promise<AthenaQueryResult>;
}

/** Where and with what to reach the stage. */
export interface OpenStageOptions {
  /** @default AWS_REGION / the profile's region */
  region?: string;
  /** Folder holding `.sst/outputs.json`. @default process.cwd() */
  cwd?: string;
  /** Clients to use instead of new ones (tests). */
  clients?: { glue?: GlueClient; sfn?: SFNClient; athena?: AthenaClient };
}

/**
 * Find a deployed stage and bind its clients.
 * @example const stage = await openStage('dev'); const { rows } = await stage.query('SELECT count(*) AS n FROM users');
 */
export async function openStage(
  stage: string,
  options: OpenStageOptions = {},
): Promise<StageHandle> {
  const config = options.region ? { region: options.region } : {};
  const glue = options.clients?.glue ?? new GlueClient(config);
  const outputs = await findStageOutputs(stage, {
    glue,
    ...(options.cwd ? { cwd: options.cwd } : {}),
    ...(options.region ? { region: options.region } : {}),
  });
  const sfn = options.clients?.sfn ?? new SFNClient(config);
  const athena = options.clients?.athena ?? new AthenaClient(config);
  return {
    outputs,
    executions: new StepFunctionsExecutions(sfn, outputs.stateMachineArn),
    query: (sql, queryOptions) =>
      runAthenaQuery(
        athena,
        { sql, workgroup: outputs.workgroup, database: outputs.database },
        queryOptions,
      ),
  };
}

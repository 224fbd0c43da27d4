import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AthenaClient,
  GetQueryExecutionCommand,
  GetQueryResultsCommand,
  StartQueryExecutionCommand,
} from '@aws-sdk/client-athena';
import { GetDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStage } from '../../src/aws/openStage.js';
import { stageParameters } from '../../src/aws/stageNames.js';

const glue = mockClient(GlueClient);
const sfn = mockClient(SFNClient);
const athena = mockClient(AthenaClient);
const SM = 'arn:aws:states:eu-west-1:123456789012:stateMachine:lake-qa-ingest';
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lake-open-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('openStage', () => {
  it('binds executions to the stage state machine and queries to its workgroup and database', async () => {
    glue.on(GetDatabaseCommand, { Name: 'lake_qa' }).resolves({
      Database: {
        Name: 'lake_qa',
        Parameters: stageParameters({
          stage: 'qa',
          ingestBucket: 'i',
          rawBucket: 'r',
          curatedBucket: 'c',
          quarantineBucket: 'q',
          athenaResultsBucket: 'a',
          workgroup: 'lake-qa',
          stateMachineArn: SM,
        }),
      },
    });
    sfn.on(ListExecutionsCommand).resolves({ executions: [] });
    athena.on(StartQueryExecutionCommand).resolves({ QueryExecutionId: 'q' });
    athena
      .on(GetQueryExecutionCommand)
      .resolves({ QueryExecution: { Status: { State: 'SUCCEEDED' }, StatementType: 'DML' } });
    athena.on(GetQueryResultsCommand).resolves({
      ResultSet: {
        ResultSetMetadata: { ColumnInfo: [{ Name: 'n', Type: 'bigint' }] },
        Rows: [{ Data: [{ VarCharValue: 'n' }] }, { Data: [{ VarCharValue: '3' }] }],
      },
    });

    const region = 'eu-west-1';
    const stage = await openStage('qa', {
      cwd: dir,
      region,
      clients: {
        glue: new GlueClient({ region }),
        sfn: new SFNClient({ region }),
        athena: new AthenaClient({ region }),
      },
    });
    expect(stage.outputs.database).toBe('lake_qa');
    await stage.executions.listExecutions();
    expect(sfn.commandCalls(ListExecutionsCommand)[0]!.args[0].input.stateMachineArn).toBe(SM);
    const result = await stage.query('SELECT count(*) AS n FROM users', { sleep: async () => {} });
    expect(result.rows).toEqual([{ n: 3n }]);
    expect(athena.commandCalls(StartQueryExecutionCommand)[0]!.args[0].input).toMatchObject({
      WorkGroup: 'lake-qa',
      QueryExecutionContext: { Database: 'lake_qa' },
    });
  });
});

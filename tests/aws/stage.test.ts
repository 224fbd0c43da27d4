import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EntityNotFoundException, GetDatabaseCommand, GlueClient } from '@aws-sdk/client-glue';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  AwsCredentialsError,
  findStageOutputs,
  StageNotFoundError,
  StageOutputsError,
} from '../../src/aws/stage.js';
import { stageParameters } from '../../src/aws/stageNames.js';

const glue = mockClient(GlueClient);
const outputs = {
  stage: 'dev',
  ingestBucket: 'lake-dev-ingest-x',
  rawBucket: 'lake-dev-raw-x',
  curatedBucket: 'lake-dev-curated-x',
  quarantineBucket: 'lake-dev-quarantine-x',
  athenaResultsBucket: 'lake-dev-athena-x',
  workgroup: 'lake-dev',
  stateMachineArn: 'arn:aws:states:eu-west-1:123456789012:stateMachine:lake-dev-ingest',
};
let dir: string;

beforeEach(async () => {
  glue.reset();
  dir = await mkdtemp(join(tmpdir(), 'lake-stage-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const find = (stage: string) =>
  findStageOutputs(stage, {
    glue: new GlueClient({ region: 'eu-west-1' }),
    cwd: dir,
    region: 'eu-west-1',
  });

describe('findStageOutputs', () => {
  it('reads .sst/outputs.json when it describes the requested stage, without calling AWS', async () => {
    await mkdir(join(dir, '.sst'));
    await writeFile(
      join(dir, '.sst', 'outputs.json'),
      JSON.stringify({ ...outputs, database: 'lake_dev' }),
    );
    expect(await find('dev')).toEqual({ ...outputs, database: 'lake_dev' });
    expect(glue.commandCalls(GetDatabaseCommand)).toHaveLength(0);
  });

  it('falls back to the Glue database parameters for another stage', async () => {
    await mkdir(join(dir, '.sst'));
    await writeFile(
      join(dir, '.sst', 'outputs.json'),
      JSON.stringify({ ...outputs, database: 'lake_dev' }),
    );
    const prod = { ...outputs, stage: 'prod', workgroup: 'lake-prod' };
    glue
      .on(GetDatabaseCommand, { Name: 'lake_prod' })
      .resolves({ Database: { Name: 'lake_prod', Parameters: stageParameters(prod) } });
    expect(await find('prod')).toEqual({ ...prod, database: 'lake_prod' });
  });

  it('says how to deploy a stage that is not there', async () => {
    glue
      .on(GetDatabaseCommand)
      .rejects(
        new EntityNotFoundException({ message: 'Database lake_qa not found', $metadata: {} }),
      );
    const err = await find('qa').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageNotFoundError);
    expect((err as Error).message).toMatch(/npx sst deploy --stage qa/);
    expect((err as Error).message).toMatch(/eu-west-1/);
  });

  it('names missing credentials as such', async () => {
    glue.on(GetDatabaseCommand).rejects(
      Object.assign(new Error('Could not load credentials from any providers'), {
        name: 'CredentialsProviderError',
      }),
    );
    const err = await find('dev').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AwsCredentialsError);
    expect((err as Error).message).toMatch(/AWS_PROFILE/);
  });

  it('refuses incomplete outputs, naming what is missing', async () => {
    const { stateMachineArn: _omit, ...partial } = outputs;
    glue.on(GetDatabaseCommand).resolves({
      Database: {
        Name: 'lake_dev',
        Parameters: stageParameters({ ...partial, stateMachineArn: '' }),
      },
    });
    const err = await find('dev').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(StageOutputsError);
    expect((err as Error).message).toMatch(/stateMachineArn/);
  });

  it('rejects an invalid stage name before calling AWS', async () => {
    await expect(find('no spaces')).rejects.toThrow(/stage/);
    expect(glue.commandCalls(GetDatabaseCommand)).toHaveLength(0);
  });
});

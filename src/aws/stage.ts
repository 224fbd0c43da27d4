/**
 * Finding a deployed stage's resource names for `lake … --stage NAME`. Two sources, in order:
 * `.sst/outputs.json` (SST writes the `run()` return value there after a deploy from this checkout;
 * used only when its `stage` is the one asked for), then the stage's Glue database, whose
 * parameters the stack fills with the same outputs, so any machine with credentials finds them.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { GetDatabaseCommand } from '@aws-sdk/client-glue';
import type { GlueClient } from '@aws-sdk/client-glue';
import { TerminalError } from '../core/errors.js';
import { STAGE_PARAMETER_KEYS, stageNames } from './stageNames.js';
import type { StageOutputs } from './stageNames.js';

export type { StageOutputs } from './stageNames.js';

/** The stage is not deployed (in this account and region). */
export class StageNotFoundError extends TerminalError {
  override name = 'StageNotFoundError';
}

/** No usable AWS credentials or region: nothing was asked of AWS. */
export class AwsCredentialsError extends TerminalError {
  override name = 'AwsCredentialsError';
}

/** The stage exists but its recorded outputs are incomplete (deployed by an older version?). */
export class StageOutputsError extends TerminalError {
  override name = 'StageOutputsError';
}

/** Where to look. */
export interface FindStageOptions {
  /** Glue client in the stage's region. */
  glue: GlueClient;
  /** Folder holding `.sst/`. @default process.cwd() */
  cwd?: string;
  /** Region shown in messages. */
  region?: string;
}

const FIELDS = Object.keys(STAGE_PARAMETER_KEYS) as Array<keyof typeof STAGE_PARAMETER_KEYS>;

/**
 * The resource names of a deployed stage.
 * @example const outputs = await findStageOutputs('dev', { glue: new GlueClient({}) });
 */
export async function findStageOutputs(
  stage: string,
  options: FindStageOptions,
): Promise<StageOutputs> {
  const names = stageNames(stage);
  const local = await readSstOutputs(options.cwd ?? process.cwd());
  if (local && local.stage === stage)
    return checkOutputs(
      stage,
      { ...local, database: local.database ?? names.database },
      '.sst/outputs.json',
    );

  const where = options.region ? ` in ${options.region}` : '';
  let parameters: Record<string, string>;
  try {
    const { Database } = await options.glue.send(new GetDatabaseCommand({ Name: names.database }));
    parameters = Database?.Parameters ?? {};
  } catch (err) {
    const name = (err as { name?: string }).name ?? '';
    if (name === 'EntityNotFoundException') {
      throw new StageNotFoundError(
        `stage "${stage}" is not deployed${where}: no Glue database ${names.database}. Deploy it with: npx sst deploy --stage ${stage} (or set AWS_REGION to the stage's region)`,
        { stage },
        { cause: err },
      );
    }
    if (isCredentialsError(err)) {
      throw new AwsCredentialsError(
        `no usable AWS credentials or region (${name}: ${(err as Error).message}). Set AWS_PROFILE and AWS_REGION, or run: aws sso login`,
        { stage },
        { cause: err },
      );
    }
    throw err;
  }
  const fromGlue: Record<string, string> = { database: names.database };
  for (const field of FIELDS) {
    const value = parameters[STAGE_PARAMETER_KEYS[field]];
    if (value !== undefined) fromGlue[field] = value;
  }
  return checkOutputs(stage, fromGlue, `Glue database ${names.database}`);
}

/** `.sst/outputs.json` if present and an object, else undefined. */
export async function readSstOutputs(
  cwd: string,
): Promise<Partial<Record<keyof StageOutputs, string>> | undefined> {
  let text: string;
  try {
    text = await readFile(join(cwd, '.sst', 'outputs.json'), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as unknown;
    return value && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, string>)
      : undefined;
  } catch {
    return undefined;
  }
}

/** Whether an SDK error means "no (valid) credentials or region", as opposed to a real answer from AWS. */
export function isCredentialsError(err: unknown): boolean {
  const e = err as { name?: string; message?: string };
  const names = [
    'CredentialsProviderError',
    'ExpiredTokenException',
    'ExpiredToken',
    'UnrecognizedClientException',
    'InvalidClientTokenId',
    'InvalidSignatureException',
    'TokenRefreshRequired',
  ];
  return (
    names.includes(e?.name ?? '') ||
    /region is missing|could not load credentials/i.test(e?.message ?? '')
  );
}

function checkOutputs(
  stage: string,
  found: Partial<Record<keyof StageOutputs, string>>,
  source: string,
): StageOutputs {
  const missing = [...FIELDS, 'database' as const].filter((f) => !found[f]);
  if (missing.length) {
    throw new StageOutputsError(
      `stage "${stage}": ${source} lacks ${missing.join(', ')}; redeploy with: npx sst deploy --stage ${stage}`,
      { stage },
    );
  }
  if (found.stage !== stage)
    throw new StageOutputsError(`${source} describes stage "${found.stage}", not "${stage}"`, {
      stage,
    });
  return found as StageOutputs;
}

/**
 * The composition root of the Lambdas: builds `PipelineDeps` from environment variables, so the
 * same handler runs in AWS (Glue, real S3) and in the twin (local catalog, loopback S3).
 *
 * | variable | meaning |
 * |---|---|
 * | `RAW_BUCKET`, `CURATED_BUCKET`, `QUARANTINE_BUCKET` | bucket names |
 * | `CATALOG_DATABASE` | Glue database of the dataset tables |
 * | `CONTRACTS_DIR` | folder of dataset contracts (default `schemas`, beside the handler) |
 * | `S3_ENDPOINT` | twin only: the loopback S3 endpoint |
 * | `LOCAL_CATALOG_DIR` | twin only: use the file-backed local catalog in this folder instead of Glue |
 * | `CHUNK_BYTES` | optional: chunk size for Validate's plan |
 */
import { resolve } from 'node:path';
import { loadContracts } from '../core/contract/index.js';
import { TerminalError } from '../core/errors.js';
import { createS3Client, S3ObjectStore } from '../aws/s3.js';
import type { Catalog } from '../core/ports.js';
import type { PipelineDeps, StepLogger } from './deps.js';

/** A required environment variable is missing: the deployment is misconfigured. */
export class ConfigurationError extends TerminalError {
  override name = 'ConfigurationError';
}

function required(env: NodeJS.ProcessEnv, name: string): string {
  const value = env[name];
  if (!value)
    throw new ConfigurationError(`environment variable ${name} is not set`, { field: name });
  return value;
}

async function catalogFromEnv(env: NodeJS.ProcessEnv): Promise<Catalog> {
  if (env.LOCAL_CATALOG_DIR) {
    const { LocalCatalog } = await import('../local/catalog/index.js');
    return new LocalCatalog(env.LOCAL_CATALOG_DIR);
  }
  const [{ GlueCatalog }, { GlueClient }] = await Promise.all([
    import('../aws/glueCatalog.js'),
    import('@aws-sdk/client-glue'),
  ]);
  // The stack creates the database; Commit only checks it is there (no glue:CreateDatabase).
  return new GlueCatalog(new GlueClient({}), { createDatabase: false });
}

let cached: { key: string; deps: Promise<PipelineDeps> } | undefined;

/** Dependencies from the environment, built once per distinct configuration (a warm Lambda reuses them). */
export function depsFromEnv(
  env: NodeJS.ProcessEnv = process.env,
  logger?: StepLogger,
): Promise<PipelineDeps> {
  const names = [
    'RAW_BUCKET',
    'CURATED_BUCKET',
    'QUARANTINE_BUCKET',
    'CATALOG_DATABASE',
    'CONTRACTS_DIR',
    'S3_ENDPOINT',
    'LOCAL_CATALOG_DIR',
    'CHUNK_BYTES',
  ];
  const key = names.map((n) => env[n] ?? '').join('\0');
  if (cached?.key !== key) {
    const build = async (): Promise<PipelineDeps> => {
      const root = env.LAMBDA_TASK_ROOT ?? process.cwd();
      const chunkBytes = env.CHUNK_BYTES ? Number(env.CHUNK_BYTES) : undefined;
      return {
        store: new S3ObjectStore(
          createS3Client(env.S3_ENDPOINT ? { endpoint: env.S3_ENDPOINT } : {}),
        ),
        catalog: await catalogFromEnv(env),
        contracts: await loadContracts(resolve(root, env.CONTRACTS_DIR ?? 'schemas')),
        buckets: {
          raw: required(env, 'RAW_BUCKET'),
          curated: required(env, 'CURATED_BUCKET'),
          quarantine: required(env, 'QUARANTINE_BUCKET'),
        },
        database: required(env, 'CATALOG_DATABASE'),
        ...(chunkBytes ? { chunkBytes } : {}),
        ...(logger ? { logger } : {}),
      };
    };
    const deps = build();
    cached = { key, deps };
    // A failed build (say, a broken contract) must not stick: the next invocation tries again.
    deps.catch(() => {
      if (cached?.deps === deps) cached = undefined;
    });
  }
  return cached!.deps;
}

/** Names and places of the local twin, shared by `lake dev` and every other `lake` command. */
import { resolve } from 'node:path';
import { lockPath } from './stateLock.js';

/** Where the twin keeps its state and how it is reached. */
export interface TwinConfig {
  /** State folder (S3 objects, catalog, execution history). Default `.lake`. */
  dir: string;
  /** Loopback port of the S3 endpoint. Default 4568 (4566 is LocalStack's). */
  port: number;
  /** Folder of dataset contracts. Default `schemas`. */
  schemasDir: string;
  buckets: { ingest: string; raw: string; curated: string; quarantine: string };
  /** Catalog database of the dataset tables. */
  database: string;
  /** When set, `lake` commands act on this deployed AWS stage instead of the twin. */
  stage?: string;
}

/** The twin's S3 endpoint port unless `--port` or `LAKE_PORT` says otherwise. */
export const DEFAULT_TWIN_PORT = 4568;

/** Twin configuration from options and the environment (`LAKE_DIR`, `LAKE_PORT`). */
export function twinConfig(
  options: { dir?: string; port?: number; schemasDir?: string; stage?: string } = {},
): TwinConfig {
  return {
    ...(options.stage ? { stage: options.stage } : {}),
    dir: resolve(options.dir ?? process.env.LAKE_DIR ?? '.lake'),
    port:
      options.port ?? (process.env.LAKE_PORT ? Number(process.env.LAKE_PORT) : DEFAULT_TWIN_PORT),
    schemasDir: resolve(options.schemasDir ?? 'schemas'),
    buckets: {
      ingest: 'lake-ingest',
      raw: 'lake-raw',
      curated: 'lake-curated',
      quarantine: 'lake-quarantine',
    },
    database: 'lake',
  };
}

/** Sub-folders of the state folder. */
export function twinPaths(config: TwinConfig) {
  return {
    s3: resolve(config.dir, 's3'),
    catalog: resolve(config.dir, 'catalog'),
    executions: resolve(config.dir, 'executions'),
    /** The running `lake dev`: endpoints and the control token (mode 0600). */
    pidFile: resolve(config.dir, 'twin.json'),
    /** Who runs a twin on this folder (one at a time): see stateLock.ts. */
    lockFile: lockPath(resolve(config.dir)),
  };
}

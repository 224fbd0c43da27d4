/**
 * The Lambda handlers as the pipeline deploys them: entry file, sizing, environment and the
 * placeholder of the ASL each fills. Plain data, so tests can check it and `bundle.ts` can reuse it.
 */
import type { IngestPlaceholder } from '../../workflows/render.js';
import type { HandlerName } from './policies.js';

/** How one handler is deployed. */
export interface HandlerSpec {
  name: HandlerName;
  /** Resource name in SST (PascalCase, action + resource). */
  component: string;
  /** Handler path as `sst.aws.Function` takes it: `<file without extension>.handler`. */
  handler: string;
  placeholder: IngestPlaceholder;
  memory: `${number} MB`;
  timeout: `${number} seconds` | `${number} minutes`;
  description: string;
}

/** The Lambda runtime and architecture of every handler. */
export const RUNTIME = { runtime: 'nodejs22.x', architecture: 'arm64' } as const;

/**
 * The five handlers. Copy and commit move metadata, so they are small; transform parses and writes
 * Parquet for a whole chunk in memory, so it gets the most memory (and with it CPU) and 15 minutes.
 */
export const HANDLERS: readonly HandlerSpec[] = [
  {
    name: 'copyToRaw',
    component: 'CopyIngestToRaw',
    handler: 'functions/copy-to-raw.handler',
    placeholder: 'CopyToRawFunctionArn',
    memory: '512 MB',
    timeout: '5 minutes',
    description: 'Copy an uploaded object to the raw bucket',
  },
  {
    name: 'validate',
    component: 'ValidateRawFile',
    handler: 'functions/validate.handler',
    placeholder: 'ValidateFunctionArn',
    memory: '1024 MB',
    timeout: '15 minutes',
    description: 'Check a raw file against its contract and plan chunks',
  },
  {
    name: 'transform',
    component: 'TransformChunkToCurated',
    handler: 'functions/transform.handler',
    placeholder: 'TransformFunctionArn',
    memory: '3008 MB',
    timeout: '15 minutes',
    description: 'Clean, validate and write one chunk as Parquet',
  },
  {
    name: 'commit',
    component: 'CommitCuratedToCatalog',
    handler: 'functions/commit.handler',
    placeholder: 'CommitFunctionArn',
    memory: '512 MB',
    timeout: '5 minutes',
    description: 'Write the manifest, replace old files, register partitions',
  },
  {
    name: 'quarantine',
    component: 'QuarantineIngestObject',
    handler: 'functions/quarantine.handler',
    placeholder: 'QuarantineFunctionArn',
    memory: '256 MB',
    timeout: '2 minutes',
    description: 'Copy a failed upload and its error to quarantine',
  },
];

/**
 * Node options of the transform handler: its `NODE_OPTIONS` in AWS, and the flags `npm run bench`
 * runs our engine with by default, so the benchmark measures what production runs.
 *
 * A 2 MB semi-space (V8's default is 16 MB, i.e. a young generation of up to ~48 MB): the
 * transform allocates many short-lived values per row (parsed fields, coerced numbers) that all
 * die young, so a small young generation is collected as cheaply but stays small. Measured on the
 * bench (round 4, docs/benchmarks.md): peak RSS on a 10M-row file 352 MB with V8's default, under
 * 300 MB with this, at no cost in wall time.
 */
export const TRANSFORM_NODE_OPTIONS = '--max-semi-space-size=2';

/**
 * Environment of a handler in AWS (no `S3_ENDPOINT`: that is the twin's). The transform handler
 * also gets `NODE_OPTIONS` (see `TRANSFORM_NODE_OPTIONS`).
 */
export function handlerEnvironment(
  names: {
    rawBucket: string;
    curatedBucket: string;
    quarantineBucket: string;
    database: string;
    /** The `stage` dimension of the run metrics (`src/pipeline/runMetrics.ts`). */
    stage?: string;
  },
  handler?: HandlerName,
): Record<string, string> {
  return {
    ...(names.stage ? { LAKE_STAGE: names.stage } : {}),
    RAW_BUCKET: names.rawBucket,
    CURATED_BUCKET: names.curatedBucket,
    QUARANTINE_BUCKET: names.quarantineBucket,
    CATALOG_DATABASE: names.database,
    CONTRACTS_DIR: 'schemas',
    ...(handler === 'transform' ? { NODE_OPTIONS: TRANSFORM_NODE_OPTIONS } : {}),
  };
}

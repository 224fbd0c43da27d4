/** What the pipeline steps need from the outside world, injected so AWS and the twin only swap parts. */
import type { Contract } from '../core/contract/types.js';
import type { Catalog, ObjectStore } from '../core/ports.js';

/** Bucket names of one deployment (a stage in AWS, the twin locally). */
export interface Buckets {
  raw: string;
  curated: string;
  quarantine: string;
}

/** A step's view of the logger: Powertools' Logger fits, and so does a silent stub. */
export interface StepLogger {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
}

/** Everything a pipeline step depends on. */
export interface PipelineDeps {
  store: ObjectStore;
  catalog: Catalog;
  contracts: Contract[];
  buckets: Buckets;
  /** Glue database (AWS) or local catalog database holding the dataset tables. */
  database: string;
  /** Files bigger than this are split into several chunks. Default 64 MiB. */
  chunkBytes?: number;
  /** Transform's buffer budget per chunk. Default 64 MiB. */
  memoryBudgetBytes?: number;
  logger?: StepLogger;
}

/** A logger that says nothing, for tests and library use. */
export const silentLogger: StepLogger = { info() {}, warn() {} };

/**
 * The catalog: one Glue database per stage (its parameters record the stage's outputs for the
 * `lake` CLI), a curated and a rejected table per contract, and the Athena workgroup.
 */
import type { Contract } from '../src/core/contract/types.js';
import { stageParameters } from '../src/aws/stageNames.js';
import type { StageNames } from '../src/aws/stageNames.js';
import { datasetTables, inBucket, workgroupConfiguration } from './documents/catalog.js';
import type { Storage } from './storage.js';

const CURATED_PLACEHOLDER = 'curated-bucket';

/** What the catalog exposes to the outputs. */
export interface Catalog {
  database: aws.glue.CatalogDatabase;
  workgroup: aws.athena.Workgroup;
}

/** Create the database, one table per dataset and per `<dataset>_rejected`, and the workgroup. */
export function createCatalog(
  storage: Storage,
  names: StageNames,
  contracts: Contract[],
  stateMachineArn: $util.Output<string>,
): Catalog {
  const workgroup = new aws.athena.Workgroup('Workgroup', {
    name: names.workgroup,
    description: `Queries over the ${$app.stage} lake`,
    state: 'ENABLED',
    forceDestroy: $app.removal === 'remove',
    configuration: storage.athenaResults.name.apply((bucket) => workgroupConfiguration(bucket)),
  });
  const database = new aws.glue.CatalogDatabase('Database', {
    name: names.database,
    description: `Curated datasets of the ${$app.stage} stage`,
    parameters: $util
      .all([
        storage.ingest.name,
        storage.raw.name,
        storage.curated.name,
        storage.quarantine.name,
        storage.athenaResults.name,
        stateMachineArn,
      ])
      .apply(([ingest, raw, curated, quarantine, results, arn]) =>
        stageParameters({
          stage: $app.stage,
          ingestBucket: ingest,
          rawBucket: raw,
          curatedBucket: curated,
          quarantineBucket: quarantine,
          athenaResultsBucket: results,
          workgroup: names.workgroup,
          stateMachineArn: arn,
        }),
      ),
  });
  // Table names and columns are known now; only the bucket in each location is an output.
  for (const table of datasetTables(names.database, CURATED_PLACEHOLDER, contracts)) {
    const placed = storage.curated.name.apply((bucket) =>
      inBucket(table, CURATED_PLACEHOLDER, bucket),
    );
    new aws.glue.CatalogTable(`${pascal(table.name)}Table`, {
      ...table,
      databaseName: database.name,
      parameters: placed.parameters,
      storageDescriptor: placed.storageDescriptor,
    });
  }
  return { database, workgroup };
}

function pascal(name: string): string {
  return name.replace(/(^|_)([a-z0-9])/g, (_, __, c: string) => c.toUpperCase());
}

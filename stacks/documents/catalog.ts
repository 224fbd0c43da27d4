/**
 * Catalog documents: the Pulumi `aws.glue.CatalogTable` arguments for each dataset (built from the
 * same `curatedTableInput` / `rejectedTableInput` the Commit handler uses), and the Athena
 * workgroup configuration.
 */
import type { Contract } from '../../src/core/contract/types.js';
import type { GlueColumn, TableInput } from '../../src/core/catalog/glueTypes.js';
import {
  REJECTED_SUFFIX,
  curatedTableInput,
  rejectedTableInput,
} from '../../src/core/catalog/tableInput.js';
import { MANIFESTS_PARAMETER } from '../../src/core/catalog/tableParameters.js';
import { currentViewInput } from '../../src/core/catalog/currentView.js';

/** A Glue column in Pulumi's camelCase. */
export interface CatalogColumnArgs {
  name: string;
  type: string;
  comment?: string;
}

/** The subset of `aws.glue.CatalogTableArgs` (Pulumi AWS v7) this app sets, as plain data. */
export interface CatalogTableArgs {
  name: string;
  databaseName: string;
  description?: string;
  tableType?: string;
  parameters?: Record<string, string>;
  partitionKeys?: CatalogColumnArgs[];
  viewOriginalText?: string;
  viewExpandedText?: string;
  storageDescriptor?: {
    location?: string;
    inputFormat?: string;
    outputFormat?: string;
    compressed?: boolean;
    columns?: CatalogColumnArgs[];
    parameters?: Record<string, string>;
    serDeInfo?: { serializationLibrary?: string; parameters?: Record<string, string> };
  };
}

/** Pulumi arguments for a Glue table, translated field by field from a Glue TableInput. */
export function catalogTableArgs(databaseName: string, table: TableInput): CatalogTableArgs {
  const sd = table.StorageDescriptor;
  const col = (c: GlueColumn): CatalogColumnArgs => ({
    name: c.Name,
    type: c.Type,
    ...(c.Comment ? { comment: c.Comment } : {}),
  });
  return {
    name: table.Name,
    databaseName,
    ...(table.Description ? { description: table.Description } : {}),
    ...(table.TableType ? { tableType: table.TableType } : {}),
    ...(table.Parameters ? { parameters: { ...table.Parameters } } : {}),
    ...(table.PartitionKeys ? { partitionKeys: table.PartitionKeys.map(col) } : {}),
    ...(table.ViewOriginalText ? { viewOriginalText: table.ViewOriginalText } : {}),
    ...(table.ViewExpandedText ? { viewExpandedText: table.ViewExpandedText } : {}),
    ...(sd
      ? {
          storageDescriptor: {
            ...(sd.Location ? { location: sd.Location } : {}),
            ...(sd.InputFormat ? { inputFormat: sd.InputFormat } : {}),
            ...(sd.OutputFormat ? { outputFormat: sd.OutputFormat } : {}),
            ...(sd.Compressed !== undefined ? { compressed: sd.Compressed } : {}),
            ...(sd.Columns ? { columns: sd.Columns.map(col) } : {}),
            ...(sd.Parameters ? { parameters: { ...sd.Parameters } } : {}),
            ...(sd.SerdeInfo
              ? {
                  serDeInfo: {
                    ...(sd.SerdeInfo.SerializationLibrary
                      ? { serializationLibrary: sd.SerdeInfo.SerializationLibrary }
                      : {}),
                    ...(sd.SerdeInfo.Parameters
                      ? { parameters: { ...sd.SerdeInfo.Parameters } }
                      : {}),
                  },
                }
              : {}),
          },
        }
      : {}),
  };
}

/**
 * Both tables of every dataset (`<dataset>` and `<dataset>_rejected`) under
 * `s3://<curatedBucket>/`, and a merge dataset's `<dataset>_current` view (Commit keeps it in step
 * when the table evolves), so Athena can query it before the first upload.
 */
export function datasetTables(
  databaseName: string,
  curatedBucket: string,
  contracts: Contract[],
): CatalogTableArgs[] {
  const seen = new Set<string>();
  return contracts.flatMap((contract) => {
    if (seen.has(contract.dataset))
      throw new Error(`dataset ${contract.dataset} has two contracts`);
    seen.add(contract.dataset);
    const base = `s3://${curatedBucket}/${contract.dataset}`;
    const curated = curatedTableInput(contract, `${base}/`);
    return [
      catalogTableArgs(databaseName, curated),
      catalogTableArgs(databaseName, rejectedTableInput(contract, `${base}${REJECTED_SUFFIX}/`)),
      ...(contract.writeMode === 'merge'
        ? [catalogTableArgs(databaseName, currentViewInput(contract, databaseName, curated))]
        : []),
    ];
  });
}

/**
 * A table of `datasetTables` moved from the placeholder bucket it was built with to the stage's
 * curated bucket (known only at deploy time): its location and the manifests location among its
 * parameters.
 */
export function inBucket(
  table: CatalogTableArgs,
  placeholder: string,
  bucket: string,
): Pick<CatalogTableArgs, 'parameters' | 'storageDescriptor'> {
  const move = (uri: string) => uri.replace(`s3://${placeholder}/`, `s3://${bucket}/`);
  const parameters = Object.fromEntries(
    Object.entries(table.parameters ?? {}).map(([k, v]) => [
      k,
      k === MANIFESTS_PARAMETER ? move(v) : v,
    ]),
  );
  const location = table.storageDescriptor?.location;
  return {
    parameters,
    storageDescriptor: {
      ...table.storageDescriptor,
      ...(location ? { location: move(location) } : {}),
    },
  };
}

/** The subset of `aws.athena.WorkgroupConfiguration` this app sets, as plain data. */
export interface WorkgroupConfigurationArgs {
  enforceWorkgroupConfiguration: boolean;
  publishCloudwatchMetricsEnabled: boolean;
  bytesScannedCutoffPerQuery: number;
  engineVersion: { selectedEngineVersion: string };
  resultConfiguration: {
    outputLocation: string;
    encryptionConfiguration: { encryptionOption: string };
  };
}

/**
 * Athena engine version 3, results under `s3://<bucket>/<prefix>` encrypted with SSE-S3, and the
 * workgroup's settings enforced over any client's. The per-query scan cutoff (default 10 GiB)
 * stops a runaway query before it costs much.
 */
export function workgroupConfiguration(
  resultsBucket: string,
  prefix = 'results/',
  bytesScannedCutoffPerQuery = 10 * 1024 ** 3,
): WorkgroupConfigurationArgs {
  if (bytesScannedCutoffPerQuery < 10 * 1024 ** 2)
    throw new Error('Athena requires bytesScannedCutoffPerQuery >= 10 MB');
  return {
    enforceWorkgroupConfiguration: true,
    publishCloudwatchMetricsEnabled: true,
    bytesScannedCutoffPerQuery,
    engineVersion: { selectedEngineVersion: 'Athena engine version 3' },
    resultConfiguration: {
      outputLocation: `s3://${resultsBucket}/${prefix.replace(/^\/+/, '')}`,
      encryptionConfiguration: { encryptionOption: 'SSE_S3' },
    },
  };
}

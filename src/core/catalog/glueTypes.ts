/**
 * The subset of the Glue Data Catalog API shapes this project uses, declared here so that
 * `src/core` stays free of the AWS SDK. Field names and nesting follow Glue's TableInput and
 * PartitionInput exactly, so values pass to `@aws-sdk/client-glue` unchanged.
 */
export interface GlueColumn {
  Name: string;
  Type: string;
  Comment?: string;
}

export interface GlueSerDeInfo {
  SerializationLibrary?: string;
  Parameters?: Record<string, string>;
}

export interface GlueStorageDescriptor {
  Columns?: GlueColumn[];
  Location?: string;
  InputFormat?: string;
  OutputFormat?: string;
  Compressed?: boolean;
  SerdeInfo?: GlueSerDeInfo;
  Parameters?: Record<string, string>;
}

export interface TableInput {
  Name: string;
  Description?: string;
  TableType?: string;
  Parameters?: Record<string, string>;
  PartitionKeys?: GlueColumn[];
  StorageDescriptor?: GlueStorageDescriptor;
  /** A view (`TableType: VIRTUAL_VIEW`): Athena's encoded definition, see `currentView.ts`. */
  ViewOriginalText?: string;
  ViewExpandedText?: string;
}

export interface PartitionInput {
  /** Values in the order of the table's PartitionKeys, e.g. `["2021-07-01", "09"]`. */
  Values: string[];
  StorageDescriptor?: GlueStorageDescriptor;
  Parameters?: Record<string, string>;
}

/** Table parameters the lake keeps in the catalog beside Glue's own (`lake.` prefixed). */

/** The contract's write mode; moving a table into or out of `replace` is refused. */
export const WRITE_MODE_PARAMETER = 'lake.write_mode';

/**
 * `s3://…/_manifests/<dataset>/`: the manifests that name every committed file of the table. The
 * twin's query engine reads only those files, so a run that published but did not commit (or lost
 * to a later version) is never visible there.
 */
export const MANIFESTS_PARAMETER = 'lake.manifests';

/** Folder of a dataset's manifests in the curated bucket: every file a reader may see is named by one. */
export function manifestsPrefix(dataset: string): string {
  return `_manifests/${dataset}/`;
}

/** `s3://bucket/_manifests/<dataset>/` for a table at `s3://bucket/<table>/`; undefined off S3. */
export function manifestsLocation(tableLocation: string, dataset: string): string | undefined {
  const bucket = /^s3:\/\/[^/]+\//.exec(tableLocation)?.[0];
  return bucket && `${bucket}${manifestsPrefix(dataset)}`;
}

/** Table parameters the lake keeps in the catalog beside Glue's own (`lake.` prefixed). */

/** The contract's write mode; moving a table into or out of `replace` is refused. */
export const WRITE_MODE_PARAMETER = 'lake.write_mode';

/**
 * `s3://…/_manifests/<dataset>/`: the manifests that name every committed file of the table. The
 * twin's query engine reads only those files, so a run that published but did not commit (or lost
 * to a later version) is never visible there.
 */
export const MANIFESTS_PARAMETER = 'lake.manifests';

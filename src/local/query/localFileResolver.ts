/** Resolves `s3://` locations to the local files of the twin's S3 endpoint (read in place). */
import { listObjectFiles, parseS3Uri } from '../s3/s3Layout.js';

/** An object under a location: its `s3://` URI and the local file with its bytes. */
export interface ResolvedObject {
  uri: string;
  file: string;
}

/** Lists the objects under an `s3://bucket/prefix` location. */
export type LocationResolver = (location: string) => Promise<ResolvedObject[]>;

/**
 * A resolver reading the S3 endpoint's state folder directly (its buckets' index logs, see
 * `s3Layout.ts`); the name is older than the endpoint's own store.
 */
export function s3rverFileResolver(dataDir: string): LocationResolver {
  return async (location) => {
    const { bucket, prefix } = parseS3Uri(location);
    const files = await listObjectFiles(dataDir, bucket, prefix);
    return files.map(({ key, file }) => ({ uri: `s3://${bucket}/${key}`, file }));
  };
}

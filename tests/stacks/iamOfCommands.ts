/**
 * What IAM authorises for each SDK command the handlers send: the actions, and the resource ARN
 * each action is checked against (AWS's Service Authorization Reference for S3 and Glue). A few
 * permissions are implied rather than named by a command, and are listed here with their reason:
 * S3 answers a missing key with 404 only to a caller who may list the bucket (403 otherwise), and
 * CopyObject copies the source's tags (TaggingDirective COPY) unless told otherwise.
 */
import type { SentCommand } from '../aws/fakes/fakeS3.js';
import type { ArnContext } from '../../stacks/documents/policies.js';
import { glueArn, s3Arn } from '../../stacks/documents/policies.js';

/** One authorisation IAM makes: this action on this resource. */
export interface Authorisation {
  action: string;
  resource: string;
}

const obj = (ctx: ArnContext, bucket: string, key: string) => `${s3Arn.bucket(ctx, bucket)}/${key}`;

/** `bucket/key[?versionId=…]` of a CopySource header, decoded. */
function parseCopySource(header: string): { bucket: string; key: string; versioned: boolean } {
  const [path, query] = header.split('?');
  const slash = path!.indexOf('/');
  return {
    bucket: decodeURIComponent(path!.slice(0, slash)),
    key: decodeURIComponent(path!.slice(slash + 1)),
    versioned: Boolean(query?.startsWith('versionId=')),
  };
}

/** Reading an object: GetObject (or GetObjectVersion for a version), and ListBucket for a 404. */
function read(ctx: ArnContext, bucket: string, key: string, versioned: boolean): Authorisation[] {
  return [
    { action: versioned ? 's3:GetObjectVersion' : 's3:GetObject', resource: obj(ctx, bucket, key) },
    { action: 's3:ListBucket', resource: s3Arn.bucket(ctx, bucket) },
  ];
}

/** The authorisations one command needs. Throws for a command this table does not know. */
export function authorisationsOf(sent: SentCommand, ctx: ArnContext): Authorisation[] {
  const i = sent.input as Record<string, string | undefined> & {
    Delete?: { Objects?: Array<{ Key?: string }> };
  };
  const bucket = i.Bucket ?? '';
  const key = i.Key ?? '';
  const glue = (name: string | undefined) => [
    glueArn.catalog(ctx),
    glueArn.database(ctx, i.DatabaseName ?? ''),
    `${glueArn.database(ctx, i.DatabaseName ?? '').replace(':database/', ':table/')}/${name}`,
  ];
  const on = (action: string, resources: string[]) =>
    resources.map((resource) => ({ action, resource }));
  switch (sent.command) {
    case 'GetObject':
    case 'HeadObject':
      return read(ctx, bucket, key, Boolean(i.VersionId));
    case 'HeadBucket':
    case 'ListObjectsV2':
      return on('s3:ListBucket', [s3Arn.bucket(ctx, bucket)]);
    case 'PutObject':
      return [
        ...on('s3:PutObject', [obj(ctx, bucket, key)]),
        ...(i.Tagging ? on('s3:PutObjectTagging', [obj(ctx, bucket, key)]) : []),
      ];
    case 'CopyObject': {
      const src = parseCopySource(i.CopySource ?? '');
      const tags = i.TaggingDirective !== 'REPLACE';
      return [
        ...read(ctx, src.bucket, src.key, src.versioned),
        ...(tags ? on('s3:GetObjectTagging', [obj(ctx, src.bucket, src.key)]) : []),
        ...on('s3:PutObject', [obj(ctx, bucket, key)]),
        ...(tags || i.Tagging ? on('s3:PutObjectTagging', [obj(ctx, bucket, key)]) : []),
      ];
    }
    case 'UploadPartCopy': {
      const src = parseCopySource(i.CopySource ?? '');
      return [
        ...read(ctx, src.bucket, src.key, src.versioned),
        ...on('s3:PutObject', [obj(ctx, bucket, key)]),
      ];
    }
    case 'CreateMultipartUpload':
      return [
        ...on('s3:PutObject', [obj(ctx, bucket, key)]),
        ...(i.Tagging ? on('s3:PutObjectTagging', [obj(ctx, bucket, key)]) : []),
      ];
    case 'CompleteMultipartUpload':
      return on('s3:PutObject', [obj(ctx, bucket, key)]);
    case 'AbortMultipartUpload':
      return on('s3:AbortMultipartUpload', [obj(ctx, bucket, key)]);
    case 'DeleteObjects':
      return on(
        's3:DeleteObject',
        (i.Delete?.Objects ?? []).map((o) => obj(ctx, bucket, o.Key ?? '')),
      );
    case 'GetDatabase':
    case 'CreateDatabase': {
      const name =
        (sent.input.Name as string) ?? (sent.input.DatabaseInput as { Name: string }).Name;
      return on(`glue:${sent.command}`, [glueArn.catalog(ctx), glueArn.database(ctx, name)]);
    }
    case 'GetTable':
      return on('glue:GetTable', glue(i.Name));
    case 'GetTables':
      return on('glue:GetTables', [
        glueArn.catalog(ctx),
        glueArn.database(ctx, i.DatabaseName ?? ''),
        glueArn.tables(ctx, i.DatabaseName ?? ''),
      ]);
    case 'CreateTable':
    case 'UpdateTable':
      return on(`glue:${sent.command}`, glue((sent.input.TableInput as { Name: string }).Name));
    case 'BatchCreatePartition':
    case 'GetPartitions':
      return on(`glue:${sent.command}`, glue(i.TableName));
    default:
      throw new Error(
        `no IAM mapping for ${sent.command}: add it to tests/stacks/iamOfCommands.ts`,
      );
  }
}

/** Whether an IAM resource pattern (`*` any run, `?` one character) matches an ARN. */
export function resourceMatches(pattern: string, arn: string): boolean {
  const re = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
  );
  return re.test(arn);
}

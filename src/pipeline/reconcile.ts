/**
 * The sweep that finds uploads no execution has finished with: objects in the ingest bucket whose
 * version neither a manifest nor a quarantine report names. It reads only the buckets, so it works
 * the same against a deployed stage (where EventBridge names executions at random) and the twin.
 */
import { createHash } from 'node:crypto';
import { resolveDataset } from '../core/contract/index.js';
import type { Contract } from '../core/contract/types.js';
import type { ObjectInfo, ObjectStore } from '../core/ports.js';
import type { Buckets } from './deps.js';
import { manifestKey, quarantineKeyOf, sourceIdOf, sourceVersionOf } from './keys.js';
import { compareVersions, readJson, type Manifest } from './manifest.js';

/** What the sweep needs: the stores and contracts of a stage or of the twin. */
export interface ReconcileDeps {
  store: ObjectStore;
  contracts: Contract[];
  buckets: Buckets & { ingest: string };
}

/** An ingest object that still needs an execution, and the EventBridge-shaped input to start it. */
export interface PendingUpload {
  object: ObjectInfo;
  /** Fixed by bucket, key and version: a second sweep finds the execution the first started. */
  executionName: string;
  input: unknown;
}

/** Every ingest object whose version no manifest and no quarantine report accounts for. */
export async function pendingUploads(deps: ReconcileDeps): Promise<PendingUpload[]> {
  const bucket = deps.buckets.ingest;
  const pending: PendingUpload[] = [];
  for (const object of await deps.store.list(bucket, '')) {
    if (await accountedFor(deps, object)) continue;
    pending.push({
      object,
      executionName: reconcileExecutionName(bucket, object),
      input: objectCreatedInput(bucket, object),
    });
  }
  return pending;
}

async function accountedFor(deps: ReconcileDeps, object: ObjectInfo): Promise<boolean> {
  const bucket = deps.buckets.ingest;
  const version = sourceVersionOf(object.versionId, object.etag);
  let contract: Contract | undefined;
  try {
    contract = resolveDataset(deps.contracts, object.key);
  } catch {
    contract = undefined; // an unknown dataset: only a quarantine report accounts for it
  }
  if (contract) {
    const manifest = await readJson<Manifest>(
      deps.store,
      deps.buckets.curated,
      manifestKey(contract, bucket, object.key),
    );
    const sourceId = sourceIdOf(bucket, object.key, version);
    if (manifest?.sourceId === sourceId) return true;
    // A replace table whose later file committed has no use for this one.
    const candidate = {
      sourceKey: object.key,
      sourceId,
      ingestedAt: eventTimeOf(object).toISOString(), // as CopyToRaw records it
    };
    if (contract.writeMode === 'replace' && manifest && compareVersions(manifest, candidate) > 0)
      return true;
  }
  const report = await readJson<{ source?: { etag?: string; versionId?: string } }>(
    deps.store,
    deps.buckets.quarantine,
    `${quarantineKeyOf(contract?.dataset, object.key)}.error.json`,
  );
  const reported = report?.source;
  return (
    reported !== undefined && sourceVersionOf(reported.versionId, reported.etag ?? '') === version
  );
}

/** `<file name>-<16 hex>`, within Step Functions' `^[A-Za-z0-9_-]{1,80}$`. */
export function reconcileExecutionName(bucket: string, object: ObjectInfo): string {
  const version = sourceVersionOf(object.versionId, object.etag);
  const hash = createHash('sha256')
    .update(`reconcile\n${bucket}\n${object.key}\n${version}`)
    .digest('hex')
    .slice(0, 16);
  const label = (object.key.split('/').pop() ?? '').replace(/[^A-Za-z0-9_-]+/g, '_').slice(0, 60);
  return `${label || 'object'}-${hash}`;
}

/** The event time S3 would have sent: the write time, to the second as EventBridge gives it. */
function eventTimeOf(object: ObjectInfo): Date {
  return new Date(Math.floor((object.lastModified?.getTime() ?? 0) / 1000) * 1000);
}

/** The EventBridge "Object Created" event the upload would have sent (time: its LastModified). */
function objectCreatedInput(bucket: string, object: ObjectInfo): unknown {
  return {
    version: '0',
    id: `reconcile-${reconcileExecutionName(bucket, object)}`,
    'detail-type': 'Object Created',
    source: 'aws.s3',
    time: eventTimeOf(object).toISOString().replace('.000Z', 'Z'),
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: {
        key: object.key,
        size: object.size,
        etag: (object.etag ?? '').replace(/"/g, ''),
        ...(object.versionId ? { 'version-id': object.versionId } : {}),
      },
      reason: 'PutObject',
    },
  };
}

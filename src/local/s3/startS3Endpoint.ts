/**
 * The twin's S3: s3rver's protocol layer on loopback, over our own store (`HashedKeyStore`: keys
 * are never paths), behind a thin HTTP layer that decodes `aws-chunked` bodies (AWS SDK v3's
 * default for streamed uploads), verifies declared checksums, answers listings, checks
 * conditional writes under a per-key lock, and turns every object write into an
 * {@link ObjectCreatedNotification} that the writer's response waits for.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import http, { type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import type { Transform } from 'node:stream';
import { AwsChunkedDecoder, isAwsChunked } from './AwsChunkedDecoder.js';
import { ChecksumVerifier } from './ChecksumVerifier.js';
import { checksumAlgorithmOf } from './checksums.js';
import type {
  ObjectCreatedListener,
  ObjectCreatedNotification,
  ObjectCreatedReason,
} from './objectCreated.js';
import {
  checkCopySource,
  checkDestination,
  writeConditionsOf,
  type ObjectState,
} from './conditions.js';
import { KeyLocks } from './keyLocks.js';
import { HashedKeyStore } from './HashedKeyStore.js';
import { listObjectsMiddleware } from './listObjects.js';
import { requestTarget } from './requestTarget.js';
import { uploadPartCopyMiddleware } from './uploadPartCopy.js';
import { migrateLayout } from './migrateLayout.js';
import type { WriteGuard, WriteRecord } from './writeRecord.js';
import { WriteGate } from './writeGate.js';
import { enableDesContinuationTokens } from './desContinuationTokens.js';
import {
  S3Error,
  S3rver,
  S3rverAccount,
  type S3rverEventRecord,
  type KoaMiddleware,
} from './s3rverInternals.js';

/** Default port of the twin's S3 endpoint. */
export const DEFAULT_S3_PORT = 4566;

/** An object now stored, with the notification its write gave. */
export interface StoredObject extends ObjectCreatedNotification {
  /** False for an object written before the endpoint kept write records (time from LastModified). */
  recorded: boolean;
}

/** Options of {@link startS3Endpoint}. */
export interface S3EndpointOptions {
  /** Folder for the endpoint's state (one sub-folder per bucket, see `s3Layout.ts`). */
  dir: string;
  /** @default 4566; 0 picks a free port. */
  port?: number;
  /** @default '127.0.0.1' */
  host?: string;
  /** Buckets to create at start (existing ones are kept). */
  buckets: string[];
  /** Log each request to the console. @default false */
  logRequests?: boolean;
  /**
   * Accept any access key id, as s3rver does not verify SigV4 signatures anyway: a developer's
   * real AWS profile then works against the twin unchanged. @default true
   */
  acceptAnyAccessKey?: boolean;
  /**
   * Buckets that refuse writes (503) until `acceptWrites` opens them: a twin opens its ingest
   * bucket once its listener is subscribed, so no upload is answered before it can be delivered.
   */
  shutBuckets?: string[];
  /** Where listener failures go. @default console.error */
  onListenerError?: (err: unknown, notification: ObjectCreatedNotification) => void;
}

/** A running endpoint. */
export interface S3Endpoint {
  /** e.g. `http://127.0.0.1:4566`; clients need `forcePathStyle: true`. */
  endpoint: string;
  port: number;
  /** The state folder: see `s3Layout.ts` for how objects map to files. */
  dataDir: string;
  /**
   * Subscribe to object writes of every bucket; returns the unsubscribe function. The client's
   * response waits for every listener; a listener that fails turns it into a 500 InternalError
   * (the object stays stored: a retry or a reconcile delivers it again).
   */
  onObjectCreated(listener: ObjectCreatedListener): () => void;
  /**
   * The notification each object now in `bucket` was written with, rebuilt from what the endpoint
   * stored with it (objects from before that record: time and sequencer from LastModified).
   */
  storedObjects(bucket: string): Promise<StoredObject[]>;
  /**
   * Refuse new writes to `buckets` (503 ServiceUnavailable); resolves once the writes already
   * accepted, and their listeners, have finished.
   */
  refuseWrites(buckets: string[]): Promise<void>;
  /** Admit writes to `buckets` (shut at start by `shutBuckets`, or by `refuseWrites`). */
  acceptWrites(buckets: string[]): void;
  /** Writes to `bucket` accepted and not yet answered. */
  writesInFlight(bucket: string): number;
  /** Stop listening and drop open connections. */
  close(): Promise<void>;
}

interface RequestContext {
  requestId: string;
  reason?: ObjectCreatedReason;
  headers: IncomingMessage['headers'];
  sourceIp: string;
  /** The write this request committed, and the ETag it gave (set under the key's lock). */
  written?: WriteRecord;
  etag?: string;
  /** Listener deliveries the response waits for. */
  deliveries: { notification: ObjectCreatedNotification; done: Promise<unknown> }[];
}

let anyAccessKeyInstalled = false;

/**
 * Start the twin's S3 endpoint.
 * @example
 * const s3 = await startS3Endpoint({ dir: '.lake/s3', port: 0, buckets: ['lake-ingest'] });
 * const client = new S3Client({ endpoint: s3.endpoint, forcePathStyle: true, region: 'us-east-1',
 *   credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } });
 */
export async function startS3Endpoint(options: S3EndpointOptions): Promise<S3Endpoint> {
  enableDesContinuationTokens();
  const dataDir = path.resolve(options.dir);
  await mkdir(dataDir, { recursive: true });
  if (options.acceptAnyAccessKey !== false) installAnyAccessKey();

  const app = new S3rver({
    directory: dataDir,
    silent: !options.logRequests,
    configureBuckets: options.buckets.map((name) => ({ name })),
    vhostBuckets: false,
  });
  const requests = new AsyncLocalStorage<RequestContext>();
  const locks = new KeyLocks();
  const gate = new WriteGate();
  void gate.shutAndDrain(options.shutBuckets ?? []);
  await migrateLayout(dataDir);
  const store = new HashedKeyStore(dataDir, locks);
  await store.open();
  app.store = app.context.store = store;
  const stateOf = async (bucket: string, key: string): Promise<ObjectState | undefined> => {
    const r = store.record(bucket, key);
    return r && { etag: r.etag, lastModified: new Date(r.lastModified) };
  };
  const guard: WriteGuard = (target, source, commit) =>
    locks.run(source ? [target, source] : [target], async () => {
      const context = requests.getStore();
      const conditions =
        context?.reason && context.reason !== 'POST Object'
          ? writeConditionsOf(context.headers, context.reason === 'CopyObject')
          : undefined;
      if (conditions) {
        if (source && conditions.copySource) {
          const state = await stateOf(source.bucket, source.key);
          if (!state)
            throw new S3Error('NoSuchKey', 'The specified key does not exist.', {
              Key: source.key,
            });
          checkCopySource(conditions, state);
        }
        if (conditions.ifMatch !== undefined || conditions.ifNoneMatch)
          checkDestination(conditions, target.key, await stateOf(target.bucket, target.key));
      }
      // Under the lock: a later write of this key always gets a greater sequencer.
      const written: WriteRecord = {
        sequencer: nextSequencer(),
        time: new Date().toISOString(),
        requestId: context?.requestId ?? randomBytes(8).toString('hex').toUpperCase(),
        reason: context?.reason ?? 'PutObject',
        sourceIp: normaliseIp(context?.sourceIp ?? '127.0.0.1'),
      };
      const result = await commit(written);
      if (context) {
        context.written = written;
        context.etag = store.record(target.bucket, target.key)?.etag;
      }
      return result;
    });
  store.setGuard(guard);
  await app.configureBuckets();

  const listeners = new Set<ObjectCreatedListener>();
  const onListenerError =
    options.onListenerError ??
    ((err, n) =>
      console.error(`object-created listener failed for s3://${n.bucket}/${n.key}:`, err));
  app.on('event', (event: { Records: S3rverEventRecord[] }) => {
    const context = requests.getStore();
    for (const record of event.Records) {
      if (!record.eventName.startsWith('ObjectCreated:') || !context?.written) continue;
      const notification = toNotification(record, context.written, context.etag);
      for (const listener of listeners) {
        const done = Promise.resolve().then(() => listener(notification));
        context.deliveries.push({ notification, done });
      }
    }
  });
  // Outermost: refuse writes to shut buckets, and answer only once the listeners have finished.
  const gateMiddleware: KoaMiddleware = async (ctx, next) => {
    const context = requests.getStore();
    const { bucket } = requestTarget(ctx.req.url);
    if (!context || !bucket || !WRITE_METHODS.has(ctx.method)) return next();
    if (!gate.admits(bucket))
      throw new S3Error('ServiceUnavailable', 'The local twin is stopping. Please retry later.');
    await gate.track(
      bucket,
      (async () => {
        await next();
        const outcomes = await Promise.allSettled(context.deliveries.map((d) => d.done));
        const failed = outcomes.flatMap((o, i) =>
          o.status === 'rejected' ? [{ err: o.reason as unknown, d: context.deliveries[i]! }] : [],
        );
        for (const { err, d } of failed) onListenerError(err, d.notification);
        if (failed.length)
          throw new S3Error('InternalError', 'We encountered an internal error. Please try again.');
      })(),
    );
  };
  app.middleware.unshift(
    gateMiddleware,
    listObjectsMiddleware(store),
    uploadPartCopyMiddleware(store),
  );

  const handle = app.callback();
  const server = http.createServer((req, res) => {
    const context: RequestContext = {
      requestId: randomBytes(8).toString('hex').toUpperCase(),
      reason: reasonOf(req),
      headers: req.headers,
      sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
      deliveries: [],
    };
    res.setHeader('x-amz-request-id', context.requestId);
    void resolveSuffixRange(store, req).then(() =>
      requests.run(context, () => handle(prepareRequest(req), res)),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? DEFAULT_S3_PORT, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';

  return {
    endpoint: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    dataDir,
    onObjectCreated(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    storedObjects: async (bucket) => storedNotifications(store, bucket),
    refuseWrites: (buckets) => gate.shutAndDrain(buckets),
    acceptWrites: (buckets) => gate.open(buckets),
    writesInFlight: (bucket) => gate.inFlightCount(bucket),
    async close() {
      listeners.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

const WRITE_METHODS = new Set(['PUT', 'POST', 'DELETE']);

/** What the endpoint would have notified for every object now in `bucket`, in key order. */
function storedNotifications(store: HashedKeyStore, bucket: string): StoredObject[] {
  return store.records(bucket).map((r) => ({
    bucket,
    key: r.key,
    size: r.size,
    etag: r.etag,
    recorded: r.write !== undefined,
    ...(r.write ?? legacyWriteRecord(new Date(r.lastModified))),
  }));
}

/** A stand-in record for an object stored before the endpoint kept one: stable per object. */
function legacyWriteRecord(lastModified: Date): WriteRecord {
  const sequencer = (BigInt(lastModified.getTime()) << 16n)
    .toString(16)
    .toUpperCase()
    .padStart(18, '0');
  return {
    sequencer,
    time: lastModified.toISOString(),
    requestId: sequencer.slice(-16),
    reason: 'PutObject',
    sourceIp: '127.0.0.1',
  };
}

/**
 * s3rver reads `Range: bytes=-N` (the last N bytes) as `bytes=0-N`; turn it into the absolute
 * range S3 means before s3rver sees it.
 */
async function resolveSuffixRange(store: HashedKeyStore, req: IncomingMessage): Promise<void> {
  const suffix = /^bytes=-(\d+)$/.exec(String(req.headers.range ?? '').trim());
  if (!suffix || (req.method !== 'GET' && req.method !== 'HEAD')) return;
  const { bucket, key } = requestTarget(req.url);
  if (bucket === undefined || key === undefined) return;
  try {
    const size = Number((await store.getMetadata(bucket, key))['content-length']);
    req.headers.range = `bytes=${Math.max(0, size - Number(suffix[1]))}-`;
  } catch {
    // Missing object or odd path: s3rver answers as it would have.
  }
}

/** Which create operation a request is, judged from its method, path and headers. */
function reasonOf(req: IncomingMessage): ObjectCreatedReason | undefined {
  const { key, query } = requestTarget(req.url);
  const hasKey = key !== undefined;
  if (req.method === 'PUT' && hasKey && !query.has('uploadId') && !query.has('tagging')) {
    return req.headers['x-amz-copy-source'] ? 'CopyObject' : 'PutObject';
  }
  if (req.method === 'POST' && hasKey && query.has('uploadId')) return 'CompleteMultipartUpload';
  if (req.method === 'POST' && !hasKey && [...query.keys()].length === 0) return 'POST Object';
  return undefined;
}

/** The request s3rver sees: aws-chunked bodies decoded, declared checksums verified on the way. */
function prepareRequest(req: IncomingMessage): IncomingMessage {
  // s3rver's router refuses empty path segments ("//x", "/x" keys): hand it the key as one
  // percent-encoded segment, which its router decodes back verbatim.
  const { bucket, key } = requestTarget(req.url);
  if (bucket !== undefined && key !== undefined) {
    const q = (req.url ?? '').indexOf('?');
    req.url = `/${encodeURIComponent(bucket)}/${encodeURIComponent(key)}${q < 0 ? '' : req.url!.slice(q)}`;
  }
  const copySource = req.headers['x-amz-copy-source'];
  if (typeof copySource === 'string') {
    // S3 fully URL-decodes the copy source; s3rver uses decodeURI, which leaves %2F, %2B, %3D…
    // encoded. Hand it a value that decodeURI turns into the real key.
    const [source] = copySource.split('?versionId=');
    try {
      req.headers['x-amz-copy-source'] = encodeURI(decodeURIComponent(source!));
    } catch {
      // Not valid percent-encoding: leave it for s3rver to refuse.
    }
  }
  const isUpload = req.method === 'PUT' && !req.headers['x-amz-copy-source'];
  if (!isUpload) return req;
  const headerChecksums: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (checksumAlgorithmOf(name) && typeof value === 'string')
      headerChecksums[name.toLowerCase()] = value;
  }
  if (isAwsChunked(req.headers)) {
    const decodedLength = Number(req.headers['x-amz-decoded-content-length']);
    const trailerNames = String(req.headers['x-amz-trailer'] ?? '')
      .split(',')
      .map((t) => t.trim().toLowerCase())
      .filter(Boolean);
    const decoder = new AwsChunkedDecoder({
      decodedLength: Number.isFinite(decodedLength) ? decodedLength : undefined,
      trailerNames,
      headerChecksums,
    });
    const headers = { ...req.headers };
    const encodings = String(headers['content-encoding'] ?? '')
      .split(',')
      .map((e) => e.trim())
      .filter((e) => e && e.toLowerCase() !== 'aws-chunked');
    if (encodings.length) headers['content-encoding'] = encodings.join(',');
    else delete headers['content-encoding'];
    if (Number.isFinite(decodedLength)) headers['content-length'] = String(decodedLength);
    delete headers['transfer-encoding'];
    delete headers['x-amz-trailer'];
    headers['x-amz-content-sha256'] = 'UNSIGNED-PAYLOAD';
    return withBody(req, decoder, headers);
  }
  const verifier = new ChecksumVerifier(headerChecksums);
  return verifier.verifies ? withBody(req, verifier, req.headers) : req;
}

/** A stand-in for `req` whose body is `req` piped through `body`, with `headers` replaced. */
function withBody(
  req: IncomingMessage,
  body: Transform,
  headers: IncomingMessage['headers'],
): IncomingMessage {
  // The store reads `body` later; until then an early decode error must not be unhandled.
  body.on('error', () => undefined);
  req.on('error', (err) => body.destroy(err));
  req.on('aborted', () => body.destroy(new Error('the client aborted the upload')));
  req.pipe(body);
  return Object.assign(body, {
    headers,
    rawHeaders: [] as string[],
    method: req.method,
    url: req.url,
    httpVersion: req.httpVersion,
    httpVersionMajor: req.httpVersionMajor,
    httpVersionMinor: req.httpVersionMinor,
    socket: req.socket,
    connection: req.socket,
    trailers: {},
  }) as unknown as IncomingMessage;
}

function toNotification(
  record: S3rverEventRecord,
  written: WriteRecord,
  etag: string | undefined,
): ObjectCreatedNotification {
  const { object, bucket } = record.s3;
  return {
    bucket: bucket.name,
    key: object.key,
    size: Number(object.size ?? 0),
    etag: etag ?? String(object.eTag ?? '').replace(/"/g, ''),
    ...written,
  };
}

function normaliseIp(ip: string): string {
  return ip.startsWith('::ffff:') ? ip.slice(7) : ip;
}

let lastSequencer = 0n;

/** A fixed-width hex sequencer that grows with every write in this process. */
function nextSequencer(): string {
  const now = BigInt(Date.now()) << 16n;
  lastSequencer = now > lastSequencer ? now : lastSequencer + 1n;
  return lastSequencer.toString(16).toUpperCase().padStart(18, '0');
}

/** Let any access key id map to s3rver's dummy account (SigV4 is not verified either way). */
function installAnyAccessKey(): void {
  if (anyAccessKeyInstalled) return;
  anyAccessKeyInstalled = true;
  const registry = S3rverAccount.registry;
  const get = registry.get.bind(registry);
  registry.get = (key: string) => get(key) ?? S3rverAccount.DUMMY_ACCOUNT;
}

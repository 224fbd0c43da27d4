/**
 * Typed handles on the parts of s3rver (a CommonJS package without types) that the twin patches or
 * calls. Kept in one file so an s3rver upgrade has one place to check.
 */
import { createRequire } from 'node:module';
import type { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventEmitter } from 'node:events';

const require = createRequire(import.meta.url);

/** s3rver's S3-style error: `code` becomes the XML `<Code>`, the HTTP status follows from it. */
export interface S3ErrorLike extends Error {
  code: string;
  status: number;
}

type S3ErrorCtor = new (
  code: string,
  message: string,
  detail?: Record<string, unknown>,
) => S3ErrorLike;

/** Object metadata as s3rver keeps it (lower-case header names). */
export type S3rverMetadata = Record<string, string | number>;

/** An object as s3rver's store hands it around. */
export interface S3rverObject {
  bucket: string;
  key: string;
  content: Readable | Buffer | null;
  metadata: S3rverMetadata;
  range?: { start: number; end: number };
  size: number;
}

type S3rverObjectCtor = new (
  bucket: string,
  key: string,
  content: Readable | Buffer | null,
  metadata: S3rverMetadata,
) => S3rverObject;

/** A bucket or object configuration (cors, website, tagging) as s3rver models it. */
export interface S3rverConfig {
  type: string;
  toXML(space?: number): string;
}

/** The FilesystemStore methods the twin uses or replaces. */
export interface S3rverStore {
  rootDirectory: string;
  getResourcePath(bucket: string, key: string | undefined, resource: string): string;
  getMetadata(bucket: string, key: string): Promise<S3rverMetadata>;
  putMetadata(bucket: string, key: string, metadata: S3rverMetadata, md5?: string): Promise<void>;
  putBucket(bucket: string): Promise<unknown>;
  listObjects(
    bucket: string,
    options: { prefix?: string; delimiter?: string; startAfter?: string; maxKeys?: number },
  ): Promise<{ objects: S3rverObject[]; commonPrefixes: string[]; isTruncated: boolean }>;
  putObject(object: S3rverObject): Promise<{ size: number; md5: string }>;
  putPart(
    bucket: string,
    uploadId: string,
    partNumber: string | number,
    content: Readable,
  ): Promise<{ size: number; md5: string }>;
  getObject(
    bucket: string,
    key: string,
    options?: { start?: number; end?: number },
  ): Promise<S3rverObject | null>;
  copyObject(
    srcBucket: string,
    srcKey: string,
    destBucket: string,
    destKey: string,
    replacementMetadata: S3rverMetadata | null,
  ): Promise<S3rverMetadata>;
}

/** One record of s3rver's own S3-notification-shaped event. */
export interface S3rverEventRecord {
  eventName: string;
  eventTime: string;
  s3: {
    bucket: { name: string };
    object: { key: string; size?: number; eTag?: string; sequencer: string };
  };
}

/** The part of a Koa context the twin's middleware reads. */
export interface KoaContextLike {
  method: string;
  req: IncomingMessage;
  status: number;
  type: string;
  body: unknown;
}

/** A Koa middleware. */
export type KoaMiddleware = (ctx: KoaContextLike, next: () => Promise<void>) => Promise<void>;

/** The S3rver application (a Koa app). */
export interface S3rverApp extends EventEmitter {
  /** The store; the twin puts its own in place of s3rver's FilesystemStore (also on `context`). */
  store: unknown;
  context: { store: unknown };
  /** Koa's middleware list, composed when `callback()` is called. */
  middleware: KoaMiddleware[];
  configureBuckets(): Promise<unknown>;
  callback(): (req: IncomingMessage, res: ServerResponse) => Promise<void>;
}

type S3rverCtor = new (options: Record<string, unknown>) => S3rverApp;

/** The S3rver class. */
export const S3rver = require('s3rver') as S3rverCtor;
/** s3rver's error class; throwing one from the store gives the client an S3 XML error. */
export const S3Error = require('s3rver/lib/models/error') as S3ErrorCtor;
/** s3rver's object model. */
export const S3rverObjectModel = require('s3rver/lib/models/object') as S3rverObjectCtor & {
  ALLOWED_METADATA: string[];
};
/** s3rver's bucket model (name, creation date). */
export const S3rverBucketModel = require('s3rver/lib/models/bucket') as new (
  name: string,
  creationDate: Date,
) => unknown;
/** The configuration model class of a subresource type (`cors`, `website`, `tagging`). */
export const getS3rverConfigModel = (
  require('s3rver/lib/models/config') as {
    getConfigModel(type: string): new (xml: string) => S3rverConfig;
  }
).getConfigModel;
/** s3rver's account registry (access key id → account). */
export const S3rverAccount = require('s3rver/lib/models/account') as {
  registry: Map<string, unknown>;
  DUMMY_ACCOUNT: unknown;
};

/**
 * IAM is exactly what the code calls. The ingest workflow (the committed ASL, our runner) runs its
 * scenarios with every handler on its own recording S3 and Glue clients over fakes; each command
 * becomes the authorisations IAM would make (`iamOfCommands.ts`), checked against that handler's
 * permissions from `stacks/documents/policies.ts`. A command not granted fails; so does a grant
 * (an action of a statement, or a resource of it) that no scenario used, unless `UNUSED_BY_DESIGN`
 * names it with its reason.
 */
import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { beforeAll, describe, expect, it } from 'vitest';
import { GlueCatalog } from '../../src/aws/glueCatalog.js';
import { S3ObjectStore } from '../../src/aws/s3.js';
import { loadContracts, type Contract } from '../../src/core/contract/index.js';
import { curatedTableInput } from '../../src/core/catalog/tableInput.js';
import { FakeClock, WorkflowRunner, type AslDefinition } from '../../src/local/workflow/index.js';
import {
  commit,
  copyToRaw,
  quarantine,
  transformChunk,
  validate,
  type PipelineDeps,
} from '../../src/pipeline/index.js';
import { handlerPermissions } from '../../stacks/documents/policies.js';
import type {
  FunctionPermission,
  HandlerName,
  PipelineResources,
} from '../../stacks/documents/policies.js';
import { loadIngestTemplate, renderDefinition } from '../../workflows/render.js';
import { FakeGlue } from '../aws/fakes/fakeGlue.js';
import { FakeS3 } from '../aws/fakes/fakeS3.js';
import { authorisationsOf, resourceMatches, type Authorisation } from './iamOfCommands.js';

const ctx = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const res: PipelineResources = {
  ingestBucket: 'lake-dev-ingest-abc',
  rawBucket: 'lake-dev-raw-abc',
  curatedBucket: 'lake-dev-curated-abc',
  quarantineBucket: 'lake-dev-quarantine-abc',
  database: 'lake_dev',
  stateMachineName: 'lake-dev-ingest',
};
const HANDLER_NAMES: HandlerName[] = ['copyToRaw', 'validate', 'transform', 'commit', 'quarantine'];
const STEP = { copyToRaw, validate, transform: transformChunk, commit, quarantine } as const;
const PLACEHOLDER: Record<HandlerName, string> = {
  copyToRaw: 'CopyToRawFunctionArn',
  validate: 'ValidateFunctionArn',
  transform: 'TransformFunctionArn',
  commit: 'CommitFunctionArn',
  quarantine: 'QuarantineFunctionArn',
};
/** Copies above 32 KiB go part by part (8 KiB parts): the samples then stand for > 5 GiB files. */
const COPY = { thresholdBytes: 32 * 1024, partBytes: 8 * 1024, concurrency: 4 };

/**
 * Grants no scenario exercises, each with why it is still needed. Keyed `handler action`.
 * Keep this short: every entry is a permission the test cannot prove.
 */
const UNUSED_BY_DESIGN: Record<string, string> = {};

/** One stage's worth of fakes and a runner whose handlers each use their own clients. */
function stage(contracts: Contract[], chunkBytes?: number) {
  const s3 = new FakeS3({ maxCopyObjectBytes: COPY.thresholdBytes, minPartBytes: COPY.partBytes });
  s3.createBucket(res.ingestBucket);
  s3.createBucket(res.rawBucket, { versioned: true });
  s3.createBucket(res.curatedBucket);
  s3.createBucket(res.quarantineBucket);
  const glue = new FakeGlue();
  glue.createDatabase(res.database);
  const values: Record<string, string> = {};
  const lambdas: Record<string, (event: unknown) => Promise<unknown>> = {};
  for (const name of HANDLER_NAMES) {
    const deps: PipelineDeps = {
      store: new S3ObjectStore(s3.client(name), COPY),
      catalog: new GlueCatalog(glue.client(name), { createDatabase: false, sleep: async () => {} }),
      contracts,
      buckets: { raw: res.rawBucket, curated: res.curatedBucket, quarantine: res.quarantineBucket },
      database: res.database,
      ...(chunkBytes ? { chunkBytes } : {}),
    };
    const arn = `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
    values[PLACEHOLDER[name]] = arn;
    lambdas[arn] = (event) =>
      (STEP[name] as (e: unknown, d: PipelineDeps) => Promise<unknown>)(event, deps);
  }
  const runner = new WorkflowRunner({
    definition: renderDefinition(loadIngestTemplate(), values) as unknown as AslDefinition,
    lambdas,
    clock: new FakeClock(),
  });
  /** Upload to ingest and run the execution its event starts. */
  const ingest = async (key: string, body: string | Uint8Array, before?: () => void) => {
    const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
    const { etag } = s3.putDirect(res.ingestBucket, key, bytes);
    before?.();
    const { executionArn } = await runner.startExecution({
      input: {
        version: '0',
        'detail-type': 'Object Created',
        source: 'aws.s3',
        time: '2026-11-20T10:00:00Z',
        detail: {
          bucket: { name: res.ingestBucket },
          object: {
            key,
            size: bytes.length,
            etag: etag.replace(/"/g, ''),
            sequencer: String(Date.now()),
          },
        },
      },
    });
    return runner.waitForExecution(executionArn);
  };
  return { s3, glue, ingest };
}

const used = new Map<HandlerName, Authorisation[]>(HANDLER_NAMES.map((h) => [h, []]));
function record(
  ...fakes: Array<{
    sent: Array<{ principal: string; command: string; input: Record<string, unknown> }>;
  }>
) {
  for (const fake of fakes)
    for (const sent of fake.sent)
      used.get(sent.principal as HandlerName)!.push(...authorisationsOf(sent, ctx));
}

const sample = (name: string) => readFile(`sample_data/${name}`, 'utf8');

beforeAll(async () => {
  const contracts = await loadContracts('schemas');
  // 1. Every sample file, then a new version of two (merge and replace tables retire files), in
  //    chunks small enough that hired_employees fans out as a Distributed Map; files above the
  //    lowered copy threshold are copied part by part. The users table and its view exist from an
  //    older contract, so Commit updates both.
  {
    const st = stage(contracts, 3000);
    const users = contracts.find((c) => c.dataset === 'users')!;
    const older = curatedTableInput(
      { ...users, columns: users.columns.filter((c) => c.name !== 'updated_at') },
      `s3://${res.curatedBucket}/users/`,
    );
    st.glue.seedTable(res.database, older);
    // One part copy of CopyToRaw fails once: the upload is aborted and the Retry copies again.
    let parts = 0;
    st.s3.fault = (command) => {
      if (command === 'UploadPartCopy' && ++parts === 2) throw slowDown();
    };
    for (const f of [
      'departments.csv',
      'jobs.csv',
      'hired_employees.csv',
      'users.csv',
      'transactions.csv',
    ]) {
      const r = await st.ingest(`uploads/${f}`, await sample(f));
      expect(r.status, `${f}: ${r.error} ${r.cause}`).toBe('SUCCEEDED');
    }
    // A gzip upload: Validate writes the decoded copy Transform reads.
    const gz = await st.ingest('uploads/users_2024.csv.gz', gzipSync(await sample('users.csv')));
    expect(gz.status, gz.cause).toBe('SUCCEEDED');
    for (const f of ['users.csv', 'departments.csv']) {
      const r = await st.ingest(`uploads/${f}`, (await sample(f)) + '\n');
      expect(r.status, `${f}: ${r.cause}`).toBe('SUCCEEDED');
    }
    expect(
      st.glue.table(res.database, 'users')!.StorageDescriptor!.Columns!.map((c) => c.Name),
    ).toContain('updated_at');
    record(st.s3, st.glue);
  }
  // 2. Files at fault: unknown, not UTF-8, wrong header, too many rejects (staged, then dropped),
  //    one too large to copy in one request (a part copy fails once and is aborted).
  {
    const st = stage(contracts);
    const failed = async (key: string, body: string | Uint8Array) => {
      const r = await st.ingest(key, body);
      expect(r.status, key).toBe('FAILED');
      return r;
    };
    await failed('uploads/unknown.csv', 'a,b\n1,2\n');
    await failed('uploads/users_latin1.csv', Buffer.from('id,email\n1,caf\xe9\n', 'latin1'));
    await failed('uploads/users_header.csv', 'nope,nope\n1,2\n');
    await failed(
      'uploads/users_bad.csv',
      'id,email,name,country,created_at,updated_at\n' +
        Array.from({ length: 20 }, (_, i) => `${i},not-an-email,n,DE,2021-01-01T00:00:00Z,`).join(
          '\n',
        ),
    );
    let n = 0;
    st.s3.fault = (command) => {
      if (command === 'UploadPartCopy' && ++n === 2)
        throw Object.assign(new Error('slow down'), {
          name: 'SlowDown',
          $metadata: { httpStatusCode: 503 },
        });
    };
    const big = 'x'.repeat(COPY.thresholdBytes * 2);
    await failed('uploads/big_unknown.csv', big);
    st.s3.fault = () => {};
    expect(st.s3.keys(res.quarantineBucket)).toContain('_unknown/uploads/big_unknown.csv');
    expect(st.s3.keys(res.curatedBucket, '_staging/')).toEqual([]);
    expect(st.s3.openUploads()).toBe(0);
    record(st.s3, st.glue);
  }
  // 3. Uploads gone or replaced before their execution runs: CopyToRaw stands down (HEAD 404, then
  //    HeadBucket; or 412), and Quarantine finds nothing to copy.
  {
    const st = stage(contracts);
    const gone = await st.ingest('uploads/users.csv', await sample('users.csv'), () =>
      deleteDirect(st.s3, 'uploads/users.csv'),
    );
    expect(gone.status).toBe('SUCCEEDED');
    const replaced = await st.ingest('uploads/jobs.csv', await sample('jobs.csv'), () => {
      st.s3.putDirect(res.ingestBucket, 'uploads/jobs.csv', new TextEncoder().encode('id,job\n'));
    });
    expect(JSON.parse(replaced.output!).superseded).toBe(true);
    const vanished = await st.ingest('uploads/nobody.csv', 'x', () =>
      deleteDirect(st.s3, 'uploads/nobody.csv'),
    );
    expect(vanished.status).toBe('FAILED');
    record(st.s3, st.glue);
  }
}, 120_000);

/** S3's 503 SlowDown, a transient fault. */
function slowDown(): Error {
  return Object.assign(new Error('slow down'), {
    name: 'SlowDown',
    $metadata: { httpStatusCode: 503 },
  });
}

/** Remove an ingest object behind the pipeline's back, as a user's delete would. */
function deleteDirect(s3: FakeS3, key: string): void {
  (s3 as unknown as { buckets: Map<string, { keys: Map<string, unknown> }> }).buckets
    .get(res.ingestBucket)!
    .keys.delete(key);
}

/** What `grants` lacks for the calls: `action resource` lines. */
function missingGrants(calls: Authorisation[], grants: FunctionPermission[]): string[] {
  const missing = calls
    .filter(
      (u) =>
        !grants.some(
          (g) =>
            g.actions.includes(u.action) && g.resources.some((r) => resourceMatches(r, u.resource)),
        ),
    )
    .map((u) => `${u.action} ${u.resource}`);
  return [...new Set(missing)];
}

/** Actions, and resources of a statement, that no call used. */
function unusedGrants(
  handler: string,
  calls: Authorisation[],
  grants: FunctionPermission[],
): string[] {
  const unused: string[] = [];
  for (const g of grants) {
    for (const action of g.actions)
      if (
        !calls.some(
          (u) => u.action === action && g.resources.some((r) => resourceMatches(r, u.resource)),
        )
      )
        unused.push(`${handler} ${action}`);
    for (const resource of g.resources)
      if (!calls.some((u) => g.actions.includes(u.action) && resourceMatches(resource, u.resource)))
        unused.push(`${handler} ${g.actions.join(',')} on ${resource}`);
  }
  return unused;
}

describe.each(HANDLER_NAMES)('%s', (handler) => {
  const grants = () => handlerPermissions(handler, res, ctx);

  it('is granted every action its commands need, on the resources they touch', () => {
    expect(missingGrants(used.get(handler)!, grants())).toEqual([]);
  });

  it('uses every action and every resource it is granted', () => {
    const unused = unusedGrants(handler, used.get(handler)!, grants());
    expect(unused.filter((u) => !(u in UNUSED_BY_DESIGN))).toEqual([]);
  });
});

it('catches a grant removed or added: the checks can fail', () => {
  const commit = handlerPermissions('commit', res, ctx);
  const withoutTagging = commit.map((g) => ({
    ...g,
    actions: g.actions.filter((a) => a !== 's3:PutObjectTagging'),
  }));
  expect(missingGrants(used.get('commit')!, withoutTagging)[0]).toMatch(
    /^s3:PutObjectTagging arn:aws:s3:::lake-dev-curated-abc\//,
  );
  const withCreateDatabase = [
    ...commit,
    {
      actions: ['glue:CreateDatabase'],
      resources: ['arn:aws:glue:eu-west-1:123456789012:catalog'],
    },
  ];
  expect(unusedGrants('commit', used.get('commit')!, withCreateDatabase)).toContain(
    'commit glue:CreateDatabase',
  );
});

it('the mapping refuses a command it does not know, so a new call cannot slip past', () => {
  expect(() =>
    authorisationsOf({ principal: 'x', command: 'PutBucketPolicy', input: {} }, ctx),
  ).toThrow(/no IAM mapping/);
});

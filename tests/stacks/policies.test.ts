import { describe, expect, it } from 'vitest';
import {
  handlerPermissions,
  serviceTrustPolicy,
  startExecutionPolicy,
  stateMachinePolicy,
  usesDistributedMap,
} from '../../stacks/documents/policies.js';
import type {
  HandlerName,
  PipelineResources,
  PolicyStatement,
} from '../../stacks/documents/policies.js';
import { HANDLERS } from '../../stacks/documents/functions.js';
import { loadIngestTemplate } from '../../workflows/render.js';

const ctx = { partition: 'aws', region: 'eu-west-1', accountId: '123456789012' };
const res: PipelineResources = {
  ingestBucket: 'lake-dev-ingest-abc',
  rawBucket: 'lake-dev-raw-abc',
  curatedBucket: 'lake-dev-curated-abc',
  quarantineBucket: 'lake-dev-quarantine-abc',
  database: 'lake_dev',
  stateMachineName: 'lake-dev-ingest',
};
const fnArns = HANDLERS.map((h) => `arn:aws:lambda:eu-west-1:123456789012:function:${h.component}`);
const names: HandlerName[] = ['copyToRaw', 'validate', 'transform', 'commit', 'quarantine'];

/** Actions a handler may use on a resource: flattened for lookups. */
function grants(handler: HandlerName): Array<[string, string]> {
  return handlerPermissions(handler, res, ctx).flatMap((p) =>
    p.actions.flatMap((a) => p.resources.map((r): [string, string] => [a, r])),
  );
}

describe('handler permissions', () => {
  it.each(names)('%s: no wildcard action, every resource an ARN of this stage', (handler) => {
    const perms = handlerPermissions(handler, res, ctx);
    expect(perms.length).toBeGreaterThan(0);
    for (const p of perms) {
      for (const a of p.actions) expect(a).toMatch(/^[a-z0-9]+:[A-Za-z]+$/);
      for (const r of p.resources) {
        expect(r).not.toBe('*');
        expect(r).toMatch(
          /^arn:aws:(s3:::lake-dev-|glue:eu-west-1:123456789012:(catalog|database\/lake_dev|table\/lake_dev\/\*))/,
        );
      }
    }
  });

  it('lets each handler write only where its step writes', () => {
    const writes = (h: HandlerName) =>
      grants(h)
        .filter(([a]) => a === 's3:PutObject')
        .map(([, r]) => r);
    expect(writes('copyToRaw')).toEqual(['arn:aws:s3:::lake-dev-raw-abc/*']);
    expect(writes('validate')).toEqual(['arn:aws:s3:::lake-dev-raw-abc/_decoded/*']);
    expect(writes('transform')).toEqual(['arn:aws:s3:::lake-dev-curated-abc/_staging/*']);
    expect(writes('commit')).toEqual(['arn:aws:s3:::lake-dev-curated-abc/*']);
    expect(writes('quarantine')).toEqual(['arn:aws:s3:::lake-dev-quarantine-abc/*']);
    // Nobody may delete from raw or ingest; commit deletes superseded curated files, quarantine only a failed run's staging.
    const deletes = names.flatMap((h) =>
      grants(h)
        .filter(([a]) => a === 's3:DeleteObject')
        .map(([, r]) => `${h} ${r}`),
    );
    expect(deletes).toEqual([
      'commit arn:aws:s3:::lake-dev-curated-abc/*',
      'quarantine arn:aws:s3:::lake-dev-curated-abc/_staging/*',
    ]);
  });

  it('gives Glue access to the commit handler only', () => {
    for (const h of names) {
      const glue = grants(h).filter(([a]) => a.startsWith('glue:'));
      if (h === 'commit') expect(glue.map(([a]) => a)).toContain('glue:BatchCreatePartition');
      else expect(glue).toEqual([]);
    }
    expect(
      grants('commit').some(([a]) =>
        ['glue:DeleteTable', 'glue:DeleteDatabase', 'glue:CreateDatabase'].includes(a),
      ),
    ).toBe(false);
  });
});

describe('state machine policy', () => {
  const doc = stateMachinePolicy(fnArns, res.stateMachineName, ctx, { distributedMap: true });
  const byAction = (action: string): PolicyStatement[] =>
    doc.Statement.filter((s) => s.Action.includes(action));

  it('invokes exactly the five functions (and their qualified versions)', () => {
    const invoke = byAction('lambda:InvokeFunction');
    expect(invoke).toHaveLength(1);
    expect(invoke[0]!.Action).toEqual(['lambda:InvokeFunction']);
    expect(invoke[0]!.Resource.sort()).toEqual([...fnArns, ...fnArns.map((a) => `${a}:*`)].sort());
  });

  it('has no wildcard action, and `*` resources only for vended log delivery', () => {
    for (const s of doc.Statement) {
      for (const a of s.Action) expect(a).not.toContain('*');
      if (s.Resource.includes('*')) expect(s.Action.every((a) => a.startsWith('logs:'))).toBe(true);
    }
  });

  it('lets a Distributed Map start children of this state machine only, and only when the ASL has one', () => {
    expect(byAction('states:StartExecution')[0]!.Resource).toEqual([
      'arn:aws:states:eu-west-1:123456789012:stateMachine:lake-dev-ingest',
    ]);
    const inline = stateMachinePolicy(fnArns, res.stateMachineName, ctx, { distributedMap: false });
    expect(inline.Statement.some((s) => s.Action.some((a) => a.startsWith('states:')))).toBe(false);
    expect(usesDistributedMap(loadIngestTemplate())).toBe(true);
    expect(
      usesDistributedMap({
        States: { A: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' } } } },
      }),
    ).toBe(false);
  });

  it('refuses an empty function list', () => {
    expect(() => stateMachinePolicy([], 'x', ctx, { distributedMap: false })).toThrow();
  });
});

describe('EventBridge role and trust policies', () => {
  it('starts executions of one state machine only', () => {
    const arn = 'arn:aws:states:eu-west-1:123456789012:stateMachine:lake-dev-ingest';
    expect(startExecutionPolicy(arn).Statement).toEqual([
      { Sid: 'StartIngest', Effect: 'Allow', Action: ['states:StartExecution'], Resource: [arn] },
    ]);
  });

  it('trusts one service principal from this account', () => {
    const trust = serviceTrustPolicy('events.amazonaws.com', ctx) as {
      Statement: Array<Record<string, unknown>>;
    };
    expect(trust.Statement[0]).toMatchObject({
      Principal: { Service: 'events.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } },
    });
  });
});

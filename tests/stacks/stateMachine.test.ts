import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { renderIngestDefinition } from '../../stacks/documents/stateMachine.js';
import type { IngestFunctionArns } from '../../stacks/documents/stateMachine.js';
import { HANDLERS } from '../../stacks/documents/functions.js';
import { INGEST_PLACEHOLDERS, loadIngestTemplate, placeholdersOf } from '../../workflows/render.js';

type Validator = (definition: unknown) => {
  isValid: boolean;
  errorsText: (sep?: string) => string;
};
const validate = createRequire(import.meta.url)('asl-validator') as Validator;

const arns = Object.fromEntries(
  HANDLERS.map((h) => [
    h.placeholder,
    `arn:aws:lambda:eu-west-1:123456789012:function:lake-dev-${h.component}`,
  ]),
) as IngestFunctionArns;

describe('renderIngestDefinition', () => {
  it('fills every placeholder of the committed ASL with the function ARNs, and the result is valid ASL', () => {
    const template = loadIngestTemplate();
    expect(placeholdersOf(template)).toEqual([...INGEST_PLACEHOLDERS].sort());
    const json = renderIngestDefinition(template, arns);
    expect(json).not.toMatch(/\$\{/);
    const definition = JSON.parse(json) as unknown;
    const result = validate(definition);
    expect(result.errorsText(), 'asl-validator').toBe('');
    expect(result.isValid).toBe(true);
    for (const arn of Object.values(arns)) expect(json).toContain(`"${arn}"`);
  });

  it('keeps everything but the placeholders byte for byte', () => {
    const template = loadIngestTemplate();
    const json = renderIngestDefinition(template, arns);
    let expected = JSON.stringify(template);
    for (const [name, arn] of Object.entries(arns))
      expected = expected.split(`\${${name}}`).join(arn);
    expect(json).toBe(expected);
  });

  it('gives every Task at least as long as its Lambda may run (so a slow Lambda ends as its own timeout, not a States.Timeout)', () => {
    const tasks: Array<{ fn: string; timeout: number }> = [];
    const walk = (states: Record<string, Record<string, unknown>>) => {
      for (const s of Object.values(states)) {
        if (s.Type === 'Task')
          tasks.push({
            fn: String((s.Arguments as { FunctionName: string }).FunctionName),
            timeout: Number(s.TimeoutSeconds),
          });
        const inner = (
          s.ItemProcessor as { States?: Record<string, Record<string, unknown>> } | undefined
        )?.States;
        if (inner) walk(inner);
        for (const b of (s.Branches as
          Array<{ States: Record<string, Record<string, unknown>> }> | undefined) ?? [])
          walk(b.States);
      }
    };
    walk(loadIngestTemplate().States as Record<string, Record<string, unknown>>);
    expect(tasks.length).toBeGreaterThanOrEqual(HANDLERS.length);
    for (const h of HANDLERS) {
      const lambdaSeconds =
        Number.parseInt(h.timeout, 10) * (h.timeout.endsWith('minutes') ? 60 : 1);
      const mine = tasks.filter((t) => t.fn === `\${${h.placeholder}}`);
      expect(mine.length, h.placeholder).toBeGreaterThan(0);
      for (const t of mine)
        expect(lambdaSeconds, `${h.name} vs Task TimeoutSeconds`).toBeLessThanOrEqual(t.timeout);
    }
  });

  it('covers each handler exactly once', () => {
    expect(new Set(HANDLERS.map((h) => h.placeholder))).toEqual(new Set(INGEST_PLACEHOLDERS));
    expect(HANDLERS).toHaveLength(INGEST_PLACEHOLDERS.length);
  });

  it.each([
    ['a missing ARN', { ...arns, CommitFunctionArn: undefined }],
    ['something that is not a Lambda ARN', { ...arns, ValidateFunctionArn: 'arn:aws:s3:::bucket' }],
    [
      'an unresolved Pulumi output',
      { ...arns, TransformFunctionArn: 'Calling [toString] on an [Output<T>] is not supported.' },
    ],
  ])('refuses %s', (_label, bad) => {
    expect(() => renderIngestDefinition(loadIngestTemplate(), bad as IngestFunctionArns)).toThrow(
      /ARN/,
    );
  });
});

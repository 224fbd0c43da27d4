/** Test harness: the ingest definition run by our workflow runner over in-process steps. */
import { loadIngestTemplate, renderDefinition } from '../../workflows/render.js';
import { FakeClock, WorkflowRunner, type AslDefinition } from '../../src/local/workflow/index.js';
import {
  commit,
  copyToRaw,
  quarantine,
  transformChunk,
  validate,
  type PipelineDeps,
} from '../../src/pipeline/index.js';

/** The five Lambdas by the name used for fault injection. */
export const STEPS = {
  CopyToRaw: copyToRaw,
  Validate: validate,
  Transform: transformChunk,
  Commit: commit,
  Quarantine: quarantine,
} as const;

/** A step name of the ingest workflow. */
export type StepName = keyof typeof STEPS;

/** Called before each invocation of a step with its 1-based call count; throw to inject a fault. */
export type Fault = (call: number) => void;

/**
 * A runner for `workflows/ingest.asl.json` whose Lambdas call the steps with `deps`. `faults` run
 * before a step, `after` once it has done its work but before its result reaches the workflow
 * (a crash between the two).
 */
export function ingestRunner(
  deps: PipelineDeps,
  faults: Partial<Record<StepName, Fault>> = {},
  after: Partial<Record<StepName, Fault>> = {},
) {
  const calls: Record<StepName, number> = {
    CopyToRaw: 0,
    Validate: 0,
    Transform: 0,
    Commit: 0,
    Quarantine: 0,
  };
  const values: Record<string, string> = {};
  const lambdas: Record<string, (event: unknown) => Promise<unknown>> = {};
  for (const [name, step] of Object.entries(STEPS) as [
    StepName,
    (e: never, d: PipelineDeps) => Promise<unknown>,
  ][]) {
    const arn = `arn:aws:lambda:us-east-1:000000000000:function:test-${name}`;
    values[`${name}FunctionArn`] = arn;
    lambdas[arn] = async (event) => {
      calls[name]++;
      faults[name]?.(calls[name]);
      const result = await step(event as never, deps);
      after[name]?.(calls[name]);
      return result;
    };
  }
  const runner = new WorkflowRunner({
    definition: renderDefinition(loadIngestTemplate(), values) as unknown as AslDefinition,
    lambdas,
    clock: new FakeClock(),
  });
  return { runner, calls };
}

/**
 * The state machine definition as deployed: the committed ASL with the Lambda ARNs substituted
 * by the same `renderDefinition` the twin uses, checked for leftovers before it leaves the machine.
 */
import { INGEST_PLACEHOLDERS, placeholdersOf, renderDefinition } from '../../workflows/render.js';
import type { IngestPlaceholder } from '../../workflows/render.js';

/** The function ARN for each placeholder of `workflows/ingest.asl.json`. */
export type IngestFunctionArns = Record<IngestPlaceholder, string>;

/** The rendered definition as the JSON string `aws.sfn.StateMachine` takes; refuses unknown or missing ARNs. */
export function renderIngestDefinition(template: unknown, arns: IngestFunctionArns): string {
  for (const name of INGEST_PLACEHOLDERS) {
    if (
      !/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9-_]+(:[A-Za-z0-9$_-]+)?$/.test(
        arns[name] ?? '',
      )
    ) {
      throw new Error(`${name} must be a Lambda function ARN, got "${String(arns[name])}"`);
    }
  }
  const rendered = renderDefinition(template, arns);
  const left = placeholdersOf(rendered);
  if (left.length) throw new Error(`placeholders left after rendering: ${left.join(', ')}`);
  return JSON.stringify(rendered);
}

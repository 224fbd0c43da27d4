/**
 * Placeholder substitution for ASL definitions, as CloudFormation's DefinitionSubstitutions do:
 * every `${Name}` inside a string is replaced. The deploy (with Lambda ARNs) and the twin (with
 * local function names) render the same file, so both run byte-for-byte the same logic.
 */
import { readFileSync } from 'node:fs';

/** The placeholders of `ingest.asl.json`, one per Lambda. */
export const INGEST_PLACEHOLDERS = [
  'CopyToRawFunctionArn',
  'ValidateFunctionArn',
  'TransformFunctionArn',
  'CommitFunctionArn',
  'QuarantineFunctionArn',
] as const;

/** A placeholder name of the ingest definition. */
export type IngestPlaceholder = (typeof INGEST_PLACEHOLDERS)[number];

/** A placeholder with no value, or a value for no placeholder. */
export class DefinitionRenderError extends Error {
  override name = 'DefinitionRenderError';
}

const PLACEHOLDER = /\$\{([A-Za-z0-9_]+)\}/g;

/** Every placeholder name used in a definition, sorted. */
export function placeholdersOf(template: unknown): string[] {
  const names = new Set<string>();
  for (const m of JSON.stringify(template).matchAll(PLACEHOLDER)) names.add(m[1]!);
  return [...names].sort();
}

/**
 * Substitute `${Name}` placeholders everywhere in a definition.
 * @example renderDefinition(loadIngestTemplate(), { CopyToRawFunctionArn: 'arn:aws:lambda:…', … })
 */
export function renderDefinition<T>(template: T, values: Record<string, string>): T {
  const missing = placeholdersOf(template).filter((n) => values[n] === undefined);
  if (missing.length)
    throw new DefinitionRenderError(`no value for placeholder(s): ${missing.join(', ')}`);
  const substitute = (node: unknown): unknown => {
    if (typeof node === 'string')
      return node.replace(PLACEHOLDER, (_, name: string) => values[name]!);
    if (Array.isArray(node)) return node.map(substitute);
    if (node && typeof node === 'object') {
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, substitute(v)]));
    }
    return node;
  };
  return substitute(template) as T;
}

/** The ingest definition as committed, placeholders included. */
export function loadIngestTemplate(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('./ingest.asl.json', import.meta.url), 'utf8')) as Record<
    string,
    unknown
  >;
}

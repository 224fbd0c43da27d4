import { createRequire } from 'node:module';
import { DefinitionError } from './errors.js';
import { checkJsonataFields, withoutJsonataFields } from './jsonataFields.js';
import type { AslDefinition, AslState, AslStates } from './types.js';

type AslValidator = (
  definition: unknown,
  options?: { checkPaths: boolean; checkArn: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };
// Loaded on first use: a start whose definition passed before (see twin.ts) never needs it.
let aslValidator: AslValidator | undefined;

/** Fields a JSONata state must not carry (SPEC JSONata table; DG transforming-data.html). */
const JSONPATH_ONLY_FIELDS = [
  'InputPath',
  'OutputPath',
  'ResultPath',
  'Parameters',
  'ResultSelector',
  'Result',
  'ItemsPath',
  'SecondsPath',
  'TimestampPath',
  'ErrorPath',
  'CausePath',
  'TimeoutSecondsPath',
  'HeartbeatSecondsPath',
  'MaxConcurrencyPath',
  'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath',
];

/**
 * Refuses a definition AWS would refuse, before anything runs: asl-validator's schema and graph
 * checks (minus the JSONata field values, whose schema there is stricter than AWS: see
 * jsonataFields.ts), then the JSONata rules (field values as AWS documents them, no JSONPath
 * fields or `.$` keys, no downgrade to JSONPath, no `$eval`, inner scopes not assigning outer
 * variables). Throws DefinitionError listing them all.
 */
export function validateDefinition(
  definition: AslDefinition,
  options: { skipSchema?: boolean } = {},
): void {
  const problems: string[] = [];
  if (!options.skipSchema) {
    const schemaProblem = schemaCheck(definition);
    if (schemaProblem) problems.push(schemaProblem);
  }
  walk(definition, definition.QueryLanguage ?? 'JSONPath', '', new Set(), problems);
  if (problems.length > 0) throw new DefinitionError(problems);
}

// asl-validator compiles its JSON schemas on every call (50-400 ms): remember verdicts per
// definition text. Bounded, so a long-lived process that builds many definitions stays small.
const verdicts = new Map<string, string | undefined>();
const MAX_VERDICTS = 500;

function schemaCheck(definition: AslDefinition): string | undefined {
  const key = JSON.stringify(definition);
  if (!verdicts.has(key)) {
    if (verdicts.size >= MAX_VERDICTS) verdicts.delete(verdicts.keys().next().value!);
    // A copy (asl-validator writes QueryLanguage into the states it reads) without the fields
    // checkJsonataFields owns.
    aslValidator ??= createRequire(import.meta.url)('asl-validator') as AslValidator;
    const result = aslValidator(withoutJsonataFields(definition), {
      checkPaths: false,
      checkArn: false,
    });
    verdicts.set(key, result.isValid ? undefined : `asl-validator: ${result.errorsText('; ')}`);
  }
  return verdicts.get(key);
}

function walk(
  block: AslStates,
  machineLanguage: string,
  prefix: string,
  outerNames: Set<string>,
  problems: string[],
): void {
  const states = block.States ?? {};
  const assigned = new Set<string>();
  for (const state of Object.values(states))
    for (const name of assignedNames(state)) assigned.add(name);
  for (const name of assigned) {
    if (outerNames.has(name))
      problems.push(
        `SCHEMA_VALIDATION_FAILED: Variable '${name}' is assigned in an inner scope but defined in an outer scope at ${prefix || '/'}`,
      );
  }
  const visible = new Set([...outerNames, ...assigned]);
  for (const [name, state] of Object.entries(states)) {
    const at = `${prefix}/States/${name}`;
    checkState(state, machineLanguage, at, problems);
    for (const [i, branch] of (state.Branches ?? []).entries())
      walk(branch, machineLanguage, `${at}/Branches[${i}]`, visible, problems);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) {
      // Distributed children do not see outer variables, so they may reuse the names.
      const distributed = processor.ProcessorConfig?.Mode === 'DISTRIBUTED';
      walk(
        processor,
        machineLanguage,
        `${at}/ItemProcessor`,
        distributed ? new Set() : visible,
        problems,
      );
    }
  }
}

function assignedNames(state: AslState): string[] {
  return [
    ...Object.keys(state.Assign ?? {}),
    ...(state.Choices ?? []).flatMap((c) => Object.keys(c.Assign ?? {})),
    ...(state.Catch ?? []).flatMap((c) => Object.keys(c.Assign ?? {})),
  ];
}

function checkState(
  state: AslState,
  machineLanguage: string,
  at: string,
  problems: string[],
): void {
  if (machineLanguage === 'JSONata' && state.QueryLanguage === 'JSONPath') {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at ${at}`,
    );
    return;
  }
  const language = state.QueryLanguage ?? machineLanguage;
  if (language !== 'JSONata') {
    problems.push(
      `State at ${at} uses JSONPath: this runner executes JSONata states only (set "QueryLanguage": "JSONata")`,
    );
    return;
  }
  for (const field of JSONPATH_ONLY_FIELDS) {
    if (field in state)
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field '${field}' is only supported for the 'JSONPath' QueryLanguage at ${at}`,
      );
  }
  checkJsonataFields(state, at, problems);
  for (const [i, rule] of (state.Choices ?? []).entries()) {
    if ('Variable' in rule || 'And' in rule || 'Or' in rule || 'Not' in rule) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but a JSONPath Choice rule (Variable/And/Or/Not) is used at ${at}/Choices[${i}]`,
      );
    }
  }
  const templates: [string, unknown][] = [
    ['Arguments', state.Arguments],
    ['Output', state.Output],
    ['Assign', state.Assign],
    ['ItemSelector', state.ItemSelector],
    ...(state.Catch ?? []).flatMap((c, i): [string, unknown][] => [
      [`Catch[${i}]/Output`, c.Output],
      [`Catch[${i}]/Assign`, c.Assign],
    ]),
    ...(state.Choices ?? []).flatMap((c, i): [string, unknown][] => [[`Choices[${i}]`, c]]),
  ];
  for (const [field, template] of templates) checkTemplate(template, `${at}/${field}`, problems);
}

function checkTemplate(template: unknown, at: string, problems: string[]): void {
  if (typeof template === 'string') {
    if (/^\{%[\s\S]*\$eval\s*\(/.test(template))
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The JSONata function '$eval' is not supported at ${at}`,
      );
    return;
  }
  if (Array.isArray(template)) {
    template.forEach((item, i) => checkTemplate(item, `${at}[${i}]`, problems));
  } else if (template !== null && typeof template === 'object') {
    for (const [key, value] of Object.entries(template)) {
      if (key.endsWith('.$'))
        problems.push(
          `SCHEMA_VALIDATION_FAILED: The field '${key}' uses JSONPath ('.$' suffix), which is not supported for the 'JSONata' QueryLanguage at ${at}`,
        );
      checkTemplate(value, `${at}/${key}`, problems);
    }
  }
}

/**
 * The value rules of JSONata state fields, as AWS documents them, in place of asl-validator 4's
 * JSONata schema, which refuses valid definitions: it allows only a `{% %}` string or an object
 * for `Output` (AWS: any JSON value), no empty strings or arrays of arrays inside templates, and
 * only `{% x %}` with inner spaces on one line. It also lets some invalid values through
 * (`MaxConcurrency: 2.5`).
 *
 * Sources: CDK = aws-cdk-lib `JsonataCommonOptions` ("The output field accepts any JSON value");
 * ASLS = aws/amazon-states-language-service `src/json-schema/partial/*.json` (AWS's editor schema);
 * API = the Step Functions API model (`ToleratedFailurePercentage` is a float);
 * SPEC = https://states-language.net/spec.html (JSONata fields table).
 */
import { compile, isExpression, expressionBody } from './jsonataEval.js';
import type { AslState, AslStates } from './types.js';

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const MAX_SECONDS = 99_999_999; // ASLS `seconds`

type Rule = (value: unknown) => boolean;
const anyJson: Rule = () => true;
const object: Rule = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const integerFrom =
  (min: number, max = Number.MAX_SAFE_INTEGER): Rule =>
  (v) =>
    Number.isInteger(v) && (v as number) >= min && (v as number) <= max;

/** A field a JSONata state may carry, where, and what a literal value must be. */
interface FieldRule {
  /** Path of the field inside the state, e.g. `ItemReader/Arguments`. */
  path: string[];
  types: string[];
  literal: Rule;
  /** The literal rule in AWS's words, after "must be". */
  expected: string;
  /** May the field be a `{% %}` string (evaluated at run time)? */
  expression?: boolean;
  /** What asl-validator gets instead, where it insists the field is present (Wait, Fail, Condition). */
  placeholder?: unknown;
}

const ALL_BUT_FAIL = ['Task', 'Pass', 'Wait', 'Choice', 'Succeed', 'Map', 'Parallel'];
const ASSIGNING = ['Task', 'Pass', 'Wait', 'Choice', 'Map', 'Parallel'];

const RULES: FieldRule[] = [
  // CDK, ASLS `output`: any JSON value; strings in {% %} anywhere inside are evaluated.
  { path: ['Output'], types: ALL_BUT_FAIL, literal: anyJson, expected: 'any JSON value' },
  // ASLS `assign`: an object; its values are any JSON value.
  { path: ['Assign'], types: ASSIGNING, literal: object, expected: 'a JSON object' },
  // ASLS `arguments`: an object or a JSONata string (SPEC: Task and Parallel only).
  ...[['Arguments'], ['ItemReader', 'Arguments'], ['ResultWriter', 'Arguments']].map(
    (path): FieldRule => ({
      path,
      types: path.length === 1 ? ['Task', 'Parallel'] : ['Map'],
      literal: object,
      expected: 'a JSON object or a JSONata expression',
      expression: true,
    }),
  ),
  // ASLS map_state: ItemSelector "A JSON object or value"; BatchInput likewise a template.
  { path: ['ItemSelector'], types: ['Map'], literal: anyJson, expected: 'any JSON value' },
  {
    path: ['ItemBatcher', 'BatchInput'],
    types: ['Map'],
    literal: anyJson,
    expected: 'any JSON value',
  },
  {
    path: ['Items'],
    types: ['Map'],
    literal: Array.isArray,
    expected: 'a JSON array or a JSONata expression',
    expression: true,
  },
  ...(['MaxConcurrency', 'ToleratedFailureCount'] as const).map((field): FieldRule => ({
    path: [field],
    types: ['Map'],
    literal: integerFrom(0),
    expected: 'a non-negative integer or a JSONata expression',
    expression: true,
  })),
  {
    // API: a float; ASLS: 0 to 100.
    path: ['ToleratedFailurePercentage'],
    types: ['Map'],
    literal: (v) => typeof v === 'number' && v >= 0 && v <= 100,
    expected: 'a number from 0 to 100 or a JSONata expression',
    expression: true,
  },
  {
    path: ['ItemReader', 'ReaderConfig', 'MaxItems'],
    types: ['Map'],
    literal: integerFrom(0),
    expected: 'a non-negative integer or a JSONata expression',
    expression: true,
  },
  {
    path: ['ItemBatcher', 'MaxItemsPerBatch'],
    types: ['Map'],
    literal: integerFrom(1),
    expected: 'a positive integer or a JSONata expression',
    expression: true,
  },
  {
    path: ['ItemBatcher', 'MaxInputBytesPerBatch'],
    types: ['Map'],
    literal: integerFrom(1, 262_144),
    expected: 'an integer from 1 to 262144 or a JSONata expression',
    expression: true,
  },
  ...(['TimeoutSeconds', 'HeartbeatSeconds'] as const).map((field): FieldRule => ({
    path: [field],
    types: ['Task'],
    literal: integerFrom(1, MAX_SECONDS),
    expected: `a positive integer (at most ${MAX_SECONDS}) or a JSONata expression`,
    expression: true,
  })),
  {
    path: ['Seconds'],
    types: ['Wait'],
    literal: integerFrom(0, MAX_SECONDS),
    expected: `a non-negative integer (at most ${MAX_SECONDS}) or a JSONata expression`,
    expression: true,
    placeholder: 0,
  },
  {
    path: ['Timestamp'],
    types: ['Wait'],
    literal: (v) => typeof v === 'string' && RFC3339.test(v),
    expected: 'an RFC 3339 timestamp or a JSONata expression',
    expression: true,
    placeholder: '2016-03-14T01:59:00Z',
  },
  // ASLS fail_state: strings of length ≥ 1; SPEC: JSONata allowed.
  ...(['Error', 'Cause'] as const).map((field): FieldRule => ({
    path: [field],
    types: ['Fail'],
    literal: (v) => typeof v === 'string' && v.length > 0,
    expected: 'a non-empty string or a JSONata expression',
    expression: true,
    placeholder: 'x',
  })),
];

/** Catcher and Choice-rule fields: Output and Assign, with the state-level rules. */
const OUTPUT = RULES[0]!;
const ASSIGN = RULES[1]!;
// ASLS choice_state `jsonataCondition`: a boolean or a JSONata string.
const CONDITION: FieldRule = {
  path: ['Condition'],
  types: ['Choice'],
  literal: (v) => typeof v === 'boolean',
  expected: 'a boolean or a JSONata expression',
  expression: true,
  placeholder: '{% true %}',
};

function lookup(holder: unknown, path: string[]): { found: boolean; value: unknown } {
  let node = holder;
  for (const key of path) {
    if (node === null || typeof node !== 'object' || !(key in node))
      return { found: false, value: undefined };
    node = (node as Record<string, unknown>)[key];
  }
  return { found: true, value: node };
}

function replace(holder: unknown, path: string[], placeholder: unknown): void {
  const parent = lookup(holder, path.slice(0, -1)).value as Record<string, unknown>;
  const key = path[path.length - 1]!;
  if (placeholder === undefined) delete parent[key];
  else parent[key] = placeholder;
}

function checkRule(
  rule: FieldRule,
  holder: unknown,
  at: string,
  prefix: string,
  problems: string[],
): void {
  const { found, value } = lookup(holder, rule.path);
  if (!found) return;
  const field = `${prefix}${rule.path.join('/')}`;
  if (!(rule.expression && isExpression(value)) && !rule.literal(value)) {
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The value for the field '${field}' must be ${rule.expected} at ${at}`,
    );
    return;
  }
  checkExpressions(value, field, at, problems);
}

/** Every `{% %}` string in a value must compile (the runner would fail on it at run time). */
function checkExpressions(value: unknown, field: string, at: string, problems: string[]): void {
  if (isExpression(value)) {
    try {
      compile(expressionBody(value));
    } catch (err) {
      problems.push(
        `SCHEMA_VALIDATION_FAILED: The value for the field '${field}' must be a valid JSONata expression (${(err as Error).message}) at ${at}`,
      );
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => checkExpressions(v, `${field}[${i}]`, at, problems));
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) checkExpressions(v, `${field}/${k}`, at, problems);
  }
}

/** Checks the JSONata fields of one JSONata state; problems name the field and the state. */
export function checkJsonataFields(state: AslState, at: string, problems: string[]): void {
  for (const rule of RULES) {
    if (rule.types.includes(state.Type)) checkRule(rule, state, at, '', problems);
  }
  for (const [i, catcher] of (state.Catch ?? []).entries()) {
    for (const rule of [OUTPUT, ASSIGN]) checkRule(rule, catcher, at, `Catch[${i}]/`, problems);
  }
  if (
    'TimeoutSeconds' in state &&
    'HeartbeatSeconds' in state &&
    typeof state.TimeoutSeconds === 'number' &&
    typeof state.HeartbeatSeconds === 'number' &&
    state.HeartbeatSeconds >= state.TimeoutSeconds
  ) {
    // SPEC: "HeartbeatSeconds … MUST be smaller than TimeoutSeconds".
    problems.push(
      `SCHEMA_VALIDATION_FAILED: The value for the field 'HeartbeatSeconds' must be smaller than 'TimeoutSeconds' at ${at}`,
    );
  }
  for (const [i, rule] of (state.Choices ?? []).entries()) {
    const ruleAt = `${at}/Choices[${i}]`;
    for (const r of [CONDITION, OUTPUT, ASSIGN]) checkRule(r, rule, ruleAt, '', problems);
  }
}

/**
 * A copy of the definition for asl-validator without the JSONata fields that `checkJsonataFields`
 * owns (placeholders where the schema insists on presence), so its schema and graph checks still
 * run on the rest: state types, Next targets, Retry, fields a state type must not have.
 */
export function withoutJsonataFields<T extends AslStates>(definition: T): T {
  const copy = structuredClone(definition);
  strip(copy, copy.QueryLanguage ?? 'JSONPath');
  return copy;
}

function strip(block: AslStates, language: string): void {
  for (const state of Object.values(block.States ?? {})) {
    const own = state.QueryLanguage ?? language;
    if (own === 'JSONata') {
      for (const rule of RULES) {
        if (rule.types.includes(state.Type) && lookup(state, rule.path).found)
          replace(state, rule.path, rule.placeholder);
      }
      for (const holder of [...(state.Catch ?? []), ...(state.Choices ?? [])]) {
        delete holder.Output;
        delete holder.Assign;
      }
      for (const rule of state.Choices ?? []) {
        if ('Condition' in rule) rule.Condition = CONDITION.placeholder;
      }
    }
    for (const branch of state.Branches ?? []) strip(branch, language);
    const processor = state.ItemProcessor ?? state.Iterator;
    if (processor) strip(processor, language);
  }
}

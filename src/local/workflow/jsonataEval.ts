import jsonata from 'jsonata';
import { StatesError, StatesErrors } from './errors.js';
import { stepFunctionsFunctions } from './functions.js';

/** What `$states` holds while one field is evaluated. */
export interface StatesBinding {
  input: unknown;
  context: unknown;
  result?: unknown;
  errorOutput?: unknown;
}

/** Everything an expression can see: `$states`, the variables in scope, and where it is. */
export interface EvalEnv {
  states: StatesBinding;
  variables: Record<string, unknown>;
  stateName: string;
  enteredEventId: number;
}

const EXPRESSION = /^\{%([\s\S]*)%\}$/;
const cache = new Map<string, jsonata.Expression>();

/** True when a string is a `{% … %}` JSONata expression. */
export function isExpression(value: unknown): value is string {
  return typeof value === 'string' && EXPRESSION.test(value);
}

/** The expression text inside `{% … %}`. */
export function expressionBody(value: string): string {
  return (EXPRESSION.exec(value)?.[1] ?? '').trim();
}

/** Compiles (once) an expression body; a syntax error is a QueryEvaluationError. */
export function compile(body: string): jsonata.Expression {
  let expr = cache.get(body);
  if (!expr) {
    expr = jsonata(body);
    cache.set(body, expr);
  }
  return expr;
}

function prefix(env: EvalEnv): string {
  return `An error occurred while executing the state '${env.stateName}' (entered at the event id #${env.enteredEventId}).`;
}

/** Plain JSON out of a JSONata result (no null prototypes, sequence flags or functions). */
export function toJson(value: unknown): unknown {
  if (value === undefined) return undefined;
  const text = JSON.stringify(value);
  return text === undefined ? undefined : JSON.parse(text);
}

async function evaluateExpression(source: string, env: EvalEnv, field: string): Promise<unknown> {
  const body = expressionBody(source);
  let result: unknown;
  try {
    const bindings: Record<string, unknown> = {
      ...stepFunctionsFunctions,
      ...env.variables,
      states: env.states,
    };
    result = await compile(body).evaluate(env.states.input, bindings);
  } catch (err) {
    if (err instanceof StatesError)
      throw new StatesError(err.error, `${prefix(env)} ${err.cause}`, field);
    const e = err as { code?: string; message?: string };
    const detail = e.code ? `${e.code}: ${e.message}` : String(e.message ?? err);
    throw new StatesError(
      StatesErrors.QueryEvaluationError,
      `${prefix(env)} The JSONata expression '${body}' specified for the field '${field}' threw an error during evaluation. ${detail}`,
      field,
    );
  }
  if (result === undefined) {
    throw new StatesError(
      StatesErrors.QueryEvaluationError,
      `${prefix(env)} The JSONata expression '${body}' specified for the field '${field}' returned nothing (undefined).`,
      field,
    );
  }
  return toJson(result);
}

/**
 * Evaluates a field template: a `{% %}` string, or an object/array whose strings may be
 * expressions (each evaluated where it sits), or a literal. Field names follow AWS: `Output/a[0]`.
 */
export async function evaluateTemplate(
  template: unknown,
  env: EvalEnv,
  field: string,
): Promise<unknown> {
  if (isExpression(template)) return evaluateExpression(template, env, field);
  if (Array.isArray(template)) {
    const out: unknown[] = [];
    for (let i = 0; i < template.length; i++)
      out.push(await evaluateTemplate(template[i], env, `${field}[${i}]`));
    return out;
  }
  if (template !== null && typeof template === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(template))
      out[key] = await evaluateTemplate(value, env, `${field}/${key}`);
    return out;
  }
  return template;
}

/** Evaluates an Assign block: every value first (with state-entry variables), then returns them. */
export async function evaluateAssign(
  assign: Record<string, unknown> | undefined,
  env: EvalEnv,
  field = 'Assign',
): Promise<Record<string, unknown>> {
  if (!assign) return {};
  const values: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(assign))
    values[name] = await evaluateTemplate(value, env, `${field}/${name}`);
  return values;
}

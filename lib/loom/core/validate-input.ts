import { LoomError, type LoomIssue } from './errors';
import type { Input, Variable } from './prompt';

/** Validates and coerces one render's input; built once per variable list (see compileInputValidator). */
export type InputValidator = (input: unknown) => Record<string, unknown>;

/** A rejected value; coercers return the coerced value itself otherwise, so success allocates nothing. */
class Failure {
  constructor(readonly message: string) {}
}

/** The coerced value, or a Failure. */
type Coerced = unknown;

interface Plan {
  name: string;
  required: boolean;
  hasDefault: boolean;
  defaultValue: unknown;
  coerce: (raw: unknown) => Coerced;
}

const { hasOwnProperty } = Object.prototype;
const NUMBER_TEXT = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const TRUE_TEXT = new Set(['true', '1', 'on']);
const FALSE_TEXT = new Set(['false', '0', 'off']);

const fail = (message: string): Failure => new Failure(message);

/** Absent values: forms send '' for an empty field, JSON sends null. */
export function isMissingValue(value: unknown): boolean {
  return value === undefined || value === null || value === '';
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Deeper nesting than this is treated as a cycle: no real input nests a thousand levels. */
const MAX_JSON_DEPTH = 1000;

/** True for values JSON can represent exactly: no functions, class instances, NaN or cycles. */
function isJsonValue(value: unknown, depth = 0): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (typeof value !== 'object' || depth > MAX_JSON_DEPTH) return false;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) if (!isJsonValue(item, depth + 1)) return false;
    return true;
  }
  if (!isPlainObject(value)) return false;
  for (const key in value) if (Object.hasOwn(value, key) && !isJsonValue(value[key], depth + 1)) return false;
  return true;
}

/** Writes a validated value; `__proto__` is a legal variable name and must stay an own property. */
function assign(target: Record<string, unknown>, name: string, value: unknown): void {
  if (name === '__proto__')
    Object.defineProperty(target, name, { value, enumerable: true, writable: true, configurable: true });
  else target[name] = value;
}

function parseJson(text: string): Coerced {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail(`is not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}

function lengthChecks(variable: Variable, unit: string): ((length: number) => string | undefined)[] {
  const checks: ((length: number) => string | undefined)[] = [];
  const { minLength, maxLength } = variable;
  if (minLength !== undefined) {
    checks.push((length) => (length < minLength ? `must have at least ${minLength} ${unit}` : undefined));
  }
  if (maxLength !== undefined) {
    checks.push((length) => (length > maxLength ? `must have at most ${maxLength} ${unit}` : undefined));
  }
  return checks;
}

function firstFailure<T>(checks: ((value: T) => string | undefined)[], value: T): string | undefined {
  for (const check of checks) {
    const message = check(value);
    if (message !== undefined) return message;
  }
  return undefined;
}

function compilePattern(variable: Variable): RegExp | undefined {
  if (variable.pattern === undefined) return undefined;
  try {
    return new RegExp(variable.pattern, 'u');
  } catch {
    throw new LoomError('INVALID_INPUT', `Variable "${variable.name}" has an invalid pattern`, {
      issues: [
        {
          path: `variables.${variable.name}.pattern`,
          variable: variable.name,
          message: 'invalid regular expression',
        },
      ],
    });
  }
}

function stringCoercer(variable: Variable): (raw: unknown) => Coerced {
  const checks = lengthChecks(variable, 'characters');
  const regex = compilePattern(variable);
  return (raw) => {
    if (typeof raw !== 'string') return fail('must be a string');
    const problem = firstFailure(checks, raw.length);
    if (problem !== undefined) return fail(problem);
    if (regex !== undefined && !regex.test(raw)) return fail(`must match the pattern ${variable.pattern}`);
    return raw;
  };
}

function numberCoercer(variable: Variable): (raw: unknown) => Coerced {
  const { min, max } = variable;
  return (raw) => {
    let value: number;
    if (typeof raw === 'number') value = raw;
    else if (typeof raw === 'string') {
      const text = raw.trim();
      if (!NUMBER_TEXT.test(text)) return fail('must be a number');
      value = Number(text);
    } else return fail('must be a number');
    if (!Number.isFinite(value)) return fail('must be a finite number');
    if (min !== undefined && value < min) return fail(`must be at least ${min}`);
    if (max !== undefined && value > max) return fail(`must be at most ${max}`);
    return value;
  };
}

function booleanCoercer(): (raw: unknown) => Coerced {
  return (raw) => {
    if (typeof raw === 'boolean') return raw;
    if (typeof raw === 'string') {
      const text = raw.trim().toLowerCase();
      if (TRUE_TEXT.has(text)) return true;
      if (FALSE_TEXT.has(text)) return false;
    }
    return fail('must be a boolean (true/false, 1/0, on/off)');
  };
}

function enumCoercer(variable: Variable): (raw: unknown) => Coerced {
  const values = variable.values ?? [];
  const allowed = new Set(values);
  return (raw) =>
    typeof raw === 'string' && allowed.has(raw) ? raw : fail(`must be one of: ${values.join(', ')}`);
}

function splitList(text: string): Coerced {
  const trimmed = text.trim();
  if (trimmed.startsWith('[')) {
    const parsed = parseJson(trimmed);
    return parsed instanceof Failure || Array.isArray(parsed) ? parsed : fail('must be a JSON array');
  }
  const separator = trimmed.includes('\n') ? /\r?\n/ : ',';
  return trimmed
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function listCoercer(variable: Variable): (raw: unknown) => Coerced {
  const checks = lengthChecks(variable, 'items');
  return (raw) => {
    const result = typeof raw === 'string' ? splitList(raw) : raw;
    if (result instanceof Failure) return result;
    if (!Array.isArray(result) || !isJsonValue(result)) return fail('must be a list of JSON values');
    const problem = firstFailure(checks, result.length);
    return problem === undefined ? result : fail(problem);
  };
}

function jsonCoercer(): (raw: unknown) => Coerced {
  return (raw) => {
    const result = typeof raw === 'string' ? parseJson(raw) : raw;
    if (result instanceof Failure) return result;
    return isJsonValue(result)
      ? result
      : fail('must be a JSON value (no functions, class instances or cycles)');
  };
}

function coercerFor(variable: Variable): (raw: unknown) => Coerced {
  switch (variable.type) {
    case 'string':
      return stringCoercer(variable);
    case 'number':
      return numberCoercer(variable);
    case 'boolean':
      return booleanCoercer();
    case 'enum':
      return enumCoercer(variable);
    case 'list':
      return listCoercer(variable);
    case 'json':
      return jsonCoercer();
  }
}

/** Checks and coerces a single value against a variable (used for defaults and examples). */
export function checkVariableValue(
  variable: Variable,
  raw: unknown,
): { value: unknown } | { message: string } {
  const result = coercerFor(variable)(raw);
  return result instanceof Failure ? { message: result.message } : { value: result };
}

function planFor(variable: Variable): Plan {
  const coerce = coercerFor(variable);
  const hasDefault = !isMissingValue(variable.default);
  let defaultValue: unknown;
  if (hasDefault) {
    const coerced = coerce(variable.default);
    if (coerced instanceof Failure) {
      throw new LoomError('INVALID_INPUT', `The default of variable "${variable.name}" ${coerced.message}`, {
        issues: [
          { path: `variables.${variable.name}.default`, variable: variable.name, message: coerced.message },
        ],
      });
    }
    defaultValue = coerced;
  }
  return { name: variable.name, required: variable.required, hasDefault, defaultValue, coerce };
}

/** Lists and objects are copied so callers cannot mutate a prompt's default through a rendered result. */
function copyDefault(value: unknown): unknown {
  return typeof value === 'object' && value !== null ? structuredClone(value) : value;
}

/**
 * Compiles the checks for a variable list once; the returned function validates an input, coerces
 * strings, applies defaults and reports every problem in one LoomError.
 */
export function compileInputValidator(variables: readonly Variable[]): InputValidator {
  const plans = variables.map(planFor);
  const byName = new Map(plans.map((plan) => [plan.name, plan]));
  return (input) => {
    if (!isPlainObject(input)) {
      throw new LoomError('INVALID_INPUT', 'Input must be an object of variable values', {
        issues: [{ path: 'input', message: 'must be an object' }],
      });
    }
    // Start from a copy of the input and patch it: cloning keeps one object shape and walking the
    // copy's own keys reads them fast, which makes validation several times cheaper than
    // building the result key by key (it runs on every render).
    const values: Record<string, unknown> = { ...input };
    // Allocated only when something is wrong: the common path builds nothing but the result.
    let issues: LoomIssue[] | undefined;
    let missing: string[] | undefined;
    let matched = 0;
    for (const name in values) {
      // Inputs usually list variables in declaration order: try the next plan before the map.
      const next = plans[matched];
      const plan = next !== undefined && next.name === name ? next : byName.get(name);
      if (plan === undefined) {
        (issues ??= []).push({ path: name, variable: name, message: `"${name}" is not a declared variable` });
        continue;
      }
      matched += 1;
      const raw = values[name];
      if (isMissingValue(raw)) {
        if (plan.hasDefault) values[name] = copyDefault(plan.defaultValue);
        else {
          delete values[name];
          if (plan.required) (missing ??= []).push(name);
        }
        continue;
      }
      const coerced = plan.coerce(raw);
      if (coerced instanceof Failure) {
        (issues ??= []).push({ path: name, variable: name, message: `"${name}" ${coerced.message}` });
      } else if (coerced !== raw) {
        values[name] = coerced;
      }
    }
    if (matched < plans.length) {
      for (const plan of plans) {
        if (hasOwnProperty.call(input, plan.name)) continue;
        if (plan.hasDefault) assign(values, plan.name, copyDefault(plan.defaultValue));
        else if (plan.required) (missing ??= []).push(plan.name);
      }
    }
    if (issues !== undefined) {
      const missingIssues = (missing ?? []).map((name) => ({
        path: name,
        variable: name,
        message: `"${name}" is required`,
      }));
      const all = [...missingIssues, ...issues];
      throw new LoomError('INVALID_INPUT', `Invalid input: ${all.map((i) => i.message).join('; ')}`, {
        issues: all,
        missing: missing ?? [],
      });
    }
    if (missing !== undefined) {
      throw new LoomError('MISSING_VARIABLES', `Missing required variables: ${missing.join(', ')}`, {
        missing,
        issues: missing.map((name) => ({ path: name, variable: name, message: `"${name}" is required` })),
      });
    }
    return values;
  };
}

/** One-shot form of compileInputValidator; prefer the compiled form on hot paths. */
export function validateInput(variables: readonly Variable[], input: Input): Record<string, unknown> {
  return compileInputValidator(variables)(input);
}

import type { Example, Variable } from '@/lib/loom/core/prompt';

/** What a form control holds: text for everything but booleans (core coerces text on render). */
export type SampleValue = string | boolean;

function asText(variable: Variable, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (variable.type === 'list' && Array.isArray(value))
    return value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join('\n');
  if (variable.type === 'json') return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Starting values: the first example's input where it has one (realistic), else the default, else blank. */
export function initialSampleValues(variables: Variable[], examples: Example[]): Record<string, SampleValue> {
  const example = examples[0]?.input ?? {};
  const values: Record<string, SampleValue> = {};
  for (const variable of variables) {
    const value = Object.hasOwn(example, variable.name) ? example[variable.name] : variable.default;
    values[variable.name] =
      variable.type === 'boolean' ? value === true || value === 'true' : asText(variable, value);
  }
  return values;
}

/** The run request's input: blank fields are left out so defaults apply and required ones are reported missing. */
export function toRunInput(
  variables: Variable[],
  values: Record<string, SampleValue>,
): Record<string, unknown> {
  const input: Record<string, unknown> = {};
  for (const variable of variables) {
    const value = values[variable.name];
    if (value === undefined || value === '') continue;
    input[variable.name] = value;
  }
  return input;
}

/**
 * The label of an optional field's blank choice: what leaving it blank gives, "friendly (default)",
 * or "(none)" when there is no default.
 */
export function blankChoice(variable: Pick<Variable, 'default'>): string {
  return variable.default === undefined || variable.default === null
    ? '(none)'
    : `${typeof variable.default === 'string' ? variable.default : JSON.stringify(variable.default)} (default)`;
}

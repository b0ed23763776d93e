import type { Variable, VariableType } from './prompt';

/** A variable declaration before it gets its name from `builder.variable(name, spec)`. */
export type VariableSpec = Omit<Variable, 'name'>;

/** Functional option applied to a variable spec under construction. */
export type VariableOption = (spec: VariableSpec) => VariableSpec;

function make(type: VariableType, options: VariableOption[], base: Partial<VariableSpec> = {}): VariableSpec {
  return options.reduce<VariableSpec>((spec, option) => option(spec), { type, required: false, ...base });
}

export function string(...options: VariableOption[]): VariableSpec {
  return make('string', options);
}

export function number(...options: VariableOption[]): VariableSpec {
  return make('number', options);
}

export function boolean(...options: VariableOption[]): VariableSpec {
  return make('boolean', options);
}

/** An enum of string values; `build` rejects an enum without values. */
export function enumOf(values: readonly string[], ...options: VariableOption[]): VariableSpec {
  return make('enum', options, { values: [...values] });
}

/** A list of items; minLength/maxLength bound the number of items. */
export function list(...options: VariableOption[]): VariableSpec {
  return make('list', options);
}

/** Any JSON value (object, array or scalar). */
export function json(...options: VariableOption[]): VariableSpec {
  return make('json', options);
}

export function required(): VariableOption {
  return (spec) => ({ ...spec, required: true });
}

export function withDefault(value: unknown): VariableOption {
  return (spec) => ({ ...spec, default: value });
}

export function describe(text: string): VariableOption {
  return (spec) => ({ ...spec, description: text });
}

/** Characters for strings, items for lists. */
export function minLength(length: number): VariableOption {
  return (spec) => ({ ...spec, minLength: length });
}

/** Characters for strings, items for lists. */
export function maxLength(length: number): VariableOption {
  return (spec) => ({ ...spec, maxLength: length });
}

/** A regular expression (JavaScript syntax, unanchored unless you anchor it) a string must match. */
export function pattern(source: string | RegExp): VariableOption {
  return (spec) => ({ ...spec, pattern: typeof source === 'string' ? source : source.source });
}

export function min(value: number): VariableOption {
  return (spec) => ({ ...spec, min: value });
}

export function max(value: number): VariableOption {
  return (spec) => ({ ...spec, max: value });
}

import type { Example, Variable } from '@/lib/loom/core/prompt';
import { valueText } from './issues';

/**
 * The sample input the editor opens with, as the form's text: the first example's value where it
 * has one (realistic), else the variable's default, else blank. Lists show one item per line.
 */
export function initialSampleValues(
  variables: readonly Variable[],
  examples: readonly Example[],
): Record<string, string> {
  const example = examples[0]?.input ?? {};
  return Object.fromEntries(
    variables.map((variable) => {
      const value = Object.hasOwn(example, variable.name) ? example[variable.name] : variable.default;
      const text =
        variable.type === 'list' && Array.isArray(value)
          ? value.map((item) => valueText(item)).join('\n')
          : valueText(value);
      return [variable.name, text];
    }),
  );
}

/**
 * What the preview renders with: the user's edits over the prefilled values, for declared names
 * only; blank fields are left out so defaults apply and a missing required value is reported.
 */
export function sampleInputFor(
  variables: readonly Variable[],
  examples: readonly Example[],
  edited: Readonly<Record<string, string>>,
): Record<string, string> {
  const values = { ...initialSampleValues(variables, examples), ...edited };
  return Object.fromEntries(
    variables.flatMap((v) => {
      const value = values[v.name];
      return value === undefined || value === '' ? [] : [[v.name, value]];
    }),
  );
}

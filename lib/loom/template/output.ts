import { Drop } from 'liquidjs';

/**
 * How a value prints in a prompt (both in Liquid and on the fast path). Prompts are not HTML, so
 * nothing is escaped. Strings print as they are, null/undefined as nothing, numbers and booleans
 * as JavaScript prints them; arrays and objects print as compact JSON, which a model reads better
 * than Liquid's default of concatenating array items (`| join: ", "` gives a plain list).
 */
export function toOutputString(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (value instanceof Drop) {
    const unwrapped: unknown = value.valueOf();
    return unwrapped instanceof Drop ? '' : toOutputString(unwrapped);
  }
  if (typeof value === 'object') return JSON.stringify(value) ?? '';
  return String(value);
}

import 'server-only';
import type { z } from 'zod';
import type { EditorIssue } from '@/components/editor/types';

/** What the editor calls each field, so a message names what the user sees, not a schema path. */
const FIELD_LABELS: Record<string, string> = {
  message: 'Commit message',
  name: 'Name',
  description: 'Description',
  tags: 'Tags',
  system: 'System template',
  user: 'User template',
  variables: 'Variables',
  examples: 'Examples',
  'model.provider': 'Provider',
  'model.model': 'Model',
  'model.temperature': 'Temperature',
  'model.maxTokens': 'Max tokens',
  'model.topP': 'Top P',
  'model.stop': 'Stop sequences',
};

const VARIABLE_FIELDS: Record<string, string> = {
  name: 'name',
  type: 'type',
  default: 'default',
  description: 'description',
  values: 'allowed values',
  minLength: 'min length',
  maxLength: 'max length',
  pattern: 'pattern',
  min: 'min',
  max: 'max',
};

/** The label of a dotted path: `variables.1.default` is "Variable 2 default". */
export function fieldLabel(path: string): string {
  const known = FIELD_LABELS[path];
  if (known) return known;
  const variable = /^variables\.(\d+)\.(\w+)/.exec(path);
  if (variable) {
    return `Variable ${Number(variable[1]) + 1} ${VARIABLE_FIELDS[variable[2] ?? ''] ?? variable[2]}`;
  }
  const example = /^examples\.(\d+)/.exec(path);
  if (example) return `Example ${Number(example[1]) + 1}`;
  return FIELD_LABELS[path.split('.')[0] ?? ''] ?? path;
}

type ZodIssue = z.core.$ZodIssue;

/** zod's default messages start like this; a schema's own message is kept as written. */
const ZOD_WORDING = /^(Too (big|small)|Invalid (input|option))/;

/** zod's own wording ("Too big: expected number to be <=2") as a phrase that follows the field's label. */
function phrase(issue: ZodIssue): string {
  switch (issue.code) {
    case 'too_big': {
      const max = String(issue.maximum);
      if (issue.origin === 'string') return `is too long: at most ${max} characters`;
      if (issue.origin === 'array') return `has too many entries: at most ${max}`;
      return issue.inclusive === false ? `must be less than ${max}` : `must be at most ${max}`;
    }
    case 'too_small': {
      const min = String(issue.minimum);
      if (issue.origin === 'string') {
        return Number(issue.minimum) <= 1 ? 'is required' : `needs at least ${min} characters`;
      }
      if (issue.origin === 'array') return `needs at least ${min} entries`;
      return issue.inclusive === false ? `must be more than ${min}` : `must be at least ${min}`;
    }
    case 'invalid_type':
      return issue.expected === 'int' ? 'must be a whole number' : `must be a ${issue.expected}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map(String).join(', ')}`;
    default:
      return ZOD_WORDING.test(issue.message) ? 'is not valid' : issue.message;
  }
}

/**
 * A zod error as issues in plain words that name the field as the editor labels it
 * ("Temperature must be at most 2."), at their dotted paths under `prefix`.
 */
export function plainIssues(error: z.ZodError, prefix = ''): EditorIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    const own = !ZOD_WORDING.test(issue.message);
    if (own && /^[A-Z]/.test(issue.message)) return { path, message: issue.message };
    const text = own ? issue.message : phrase(issue);
    return { path, message: `${fieldLabel(path)} ${text.replace(/\.$/, '')}.` };
  });
}

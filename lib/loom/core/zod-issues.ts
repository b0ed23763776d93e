import type { z } from 'zod';
import type { LoomIssue } from './errors';

/** Maps zod issues to LoomIssues with dotted paths (`variables.0.name`), prefixed when nested. */
export function issuesFromZod(error: z.ZodError, prefix = ''): LoomIssue[] {
  return error.issues.map((issue) => {
    const path = [prefix, ...issue.path.map(String)].filter((part) => part !== '').join('.');
    return { path, message: path === '' ? issue.message : `${path}: ${issue.message}` };
  });
}

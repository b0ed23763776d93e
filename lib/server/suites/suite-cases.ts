import 'server-only';
import { z } from 'zod';
import {
  compileInputValidator,
  isLoomError,
  isMissingValue,
  LoomError,
  type LoomIssue,
  type Variable,
} from '@/lib/loom/core';

// One case of a suite, and its check against the target prompt's variables: the same rules
// (lib/loom/core validate-input) that a render applies, so a case that saves is a case that renders.

export const caseIdSchema = z
  .string()
  .trim()
  .min(1, 'Give the case an id.')
  .max(200, 'Case ids are at most 200 characters.')
  .regex(/^[^\s,;|]+$/, 'A case id has no spaces, commas, semicolons or |.');

export const caseTagSchema = z
  .string()
  .trim()
  .min(1)
  .max(50, 'Tags are at most 50 characters.')
  .regex(/^[^|;,]+$/, 'A tag has no |, ; or commas.');

/** A case as an editor or import sends it; `input` is checked against the prompt's variables separately. */
export const caseDraftSchema = z.object({
  id: caseIdSchema.optional(),
  input: z.record(z.string(), z.unknown()),
  expected: z.string().max(100_000).nullable().optional(),
  tags: z.array(caseTagSchema).max(20, 'At most 20 tags per case.').default([]),
  notes: z.string().max(5000).default(''),
});

/** A case ready to store: its input coerced to the variables' types. */
export interface ValidCase {
  id?: string;
  input: Record<string, unknown>;
  expected: string | null;
  tags: string[];
  notes: string;
}

export interface CaseProblem {
  /** The variable (or field) at fault. */
  column: string;
  message: string;
}

/**
 * Compiles the check of case inputs against a prompt's variables. The stored input keeps only the
 * values the case gives (coerced: "12" becomes 12 for a number); defaults are left to the render, so
 * a later version's new default applies. Unknown variables and missing required ones are problems.
 */
export function compileCaseInputCheck(
  variables: readonly Variable[],
): (
  input: Record<string, unknown>,
) => { ok: true; input: Record<string, unknown> } | { ok: false; problems: CaseProblem[] } {
  const validate = compileInputValidator(variables);
  const jsonNames = new Set(variables.filter((v) => v.type === 'json').map((v) => v.name));
  return (input) => {
    let coerced: Record<string, unknown>;
    try {
      coerced = validate(input);
    } catch (error) {
      if (isLoomError(error, 'INVALID_INPUT') || isLoomError(error, 'MISSING_VARIABLES')) {
        const issues = error.details.issues ?? [{ message: error.message }];
        return { ok: false, problems: issues.map((issue) => toProblem(issue)) };
      }
      throw error;
    }
    const kept: Record<string, unknown> = {};
    const problems: CaseProblem[] = [];
    for (const key of Object.keys(input)) {
      if (isMissingValue(input[key])) continue;
      kept[key] = coerced[key];
      // A render parses a json variable's string as JSON text, so a plain string could never render.
      if (jsonNames.has(key) && typeof coerced[key] === 'string') {
        problems.push({
          column: key,
          message: `"${key}" is a JSON variable: give an object, a list, a number or a boolean, not plain text`,
        });
      }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, input: kept };
  };
}

function toProblem(issue: LoomIssue): CaseProblem {
  const column = issue.variable ?? issue.path ?? 'input';
  let message = issue.message;
  if (/is not a declared variable$/.test(message)) {
    message = `unknown column "${column}": the prompt has no such variable`;
  } else if (/is required$/.test(message)) {
    message = `missing required variable "${column}"`;
  }
  return { column, message };
}

/** A case's problems as field errors (`input.<variable>`, `id`, ...) in one INVALID_INPUT error. */
export function invalidCase(problems: CaseProblem[], prefix = ''): LoomError {
  return new LoomError(
    'INVALID_INPUT',
    `The case needs attention: ${problems.map((p) => p.message).join('; ')}`,
    {
      issues: problems.map((p) => ({
        path: `${prefix}${['id', 'expected', 'tags', 'notes'].includes(p.column) ? p.column : `input.${p.column}`}`,
        message: p.message,
      })),
    },
  );
}

/** The next free generated id (`case-N`) given the highest N in use. */
export function generatedCaseId(n: number): string {
  return `case-${n}`;
}

import type { PreviewResult } from './types';

export interface NotRendered {
  /** Where to look and what is wrong, naming the section of the editor the problem is in. */
  reason: string;
  /** Names used in a template but not declared: each can be declared in one click. */
  undeclared: string[];
}

const PART_TITLES = { system: 'system template', user: 'user template' } as const;

/** Which section of the editor a definition issue's path belongs to. */
function sectionOf(path: string): string {
  if (path.startsWith('variables')) return 'Variables';
  if (path.startsWith('examples')) return 'Examples';
  if (path.startsWith('model')) return 'Model settings';
  if (path === 'system' || path === 'user') return `the ${PART_TITLES[path]}`;
  return 'the form';
}

/**
 * Why the preview shows no messages, pointing at where the problem is (a template's line, a
 * variable row, the sample input), or null when it rendered. Never the generic "fix the problems".
 */
export function whyNotRendered(result: PreviewResult): NotRendered | null {
  if (result.messages !== null) return null;
  for (const part of ['system', 'user'] as const) {
    const error = result.templates[part].errors[0];
    if (error) {
      return {
        reason: `The ${PART_TITLES[part]} has a syntax error at line ${error.line}, column ${error.column}: ${error.message}`,
        undeclared: [],
      };
    }
  }
  const undeclared = [
    ...new Set(
      [...result.templates.system.undeclared, ...result.templates.user.undeclared].map((u) => u.name),
    ),
  ];
  if (undeclared.length > 0) {
    const names = undeclared.map((name) => `"${name}"`).join(', ');
    return {
      reason: `${names} ${undeclared.length === 1 ? 'is used in a template but not declared' : 'are used in a template but not declared'}.`,
      undeclared,
    };
  }
  const issue = result.issues[0];
  if (issue) {
    const more = result.issues.length > 1 ? ` (and ${result.issues.length - 1} more, marked in red)` : '';
    return { reason: `In ${sectionOf(issue.path)}: ${issue.message}${more}`, undeclared: [] };
  }
  const input = result.inputIssues[0];
  if (input) {
    const more = result.inputIssues.length > 1 ? ` (and ${result.inputIssues.length - 1} more)` : '';
    return {
      reason: `Sample input: ${input.message}${more}. Fill it in above to see the messages.`,
      undeclared: [],
    };
  }
  return { reason: result.renderError ?? 'The draft could not be rendered.', undeclared: [] };
}

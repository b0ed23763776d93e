import { LoomError, type Variable } from '../core';
import type { CompiledTemplate } from './compile';

export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

export interface TemplateAnalysis {
  /** Root variables the template reads from the input (loop variables and assigns excluded). */
  referenced: string[];
  /** References to names not declared, one per use, in source order; empty when no variables given. */
  undeclared: { name: string; line: number; column: number }[];
  /** Declared variables this template never reads; empty when no variables given. */
  unused: string[];
  /** Syntax errors and breached limits; the other fields are empty when there are any. */
  errors: TemplateProblem[];
}

/** Analyzes one compiled template for the editor: problems are returned, never thrown. */
export function analyzeTemplate(
  compile: () => CompiledTemplate,
  variables?: readonly Variable[],
): TemplateAnalysis {
  let compiled: CompiledTemplate;
  try {
    compiled = compile();
  } catch (error) {
    if (!(error instanceof LoomError)) throw error;
    const line = typeof error.details.line === 'number' ? error.details.line : 1;
    const column = typeof error.details.column === 'number' ? error.details.column : 1;
    const message = error.details.issues?.[0]?.message ?? error.message;
    return { referenced: [], undeclared: [], unused: [], errors: [{ message, line, column }] };
  }
  const { uses, lines } = compiled;
  const referenced = [...uses.keys()];
  if (variables === undefined) return { referenced, undeclared: [], unused: [], errors: [] };
  const declared = new Set(variables.map((variable) => variable.name));
  const undeclared = [...uses]
    .filter(([name]) => !declared.has(name))
    .flatMap(([name, offsets]) => offsets.map((offset) => ({ name, ...lines.positionOf(offset) })))
    .sort((a, b) => a.line - b.line || a.column - b.column);
  const used = new Set(referenced);
  const unused = variables.map((variable) => variable.name).filter((name) => !used.has(name));
  return { referenced, undeclared, unused, errors: [] };
}

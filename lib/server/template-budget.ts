import 'server-only';
import type { Renderer } from '@/lib/loom/core';
import { deadlineAfter, type Deadline, type TemplateEngine } from '@/lib/loom/template';

/**
 * Template work (analyses and renders together) one request may do. No request may hold the event
 * loop for more than 100 ms; parsing the body and estimating tokens need the rest.
 */
export const TEMPLATE_WORK_BUDGET_MS = 80;

/** One deadline for all the template work of the request that calls it. */
export function templateDeadline(): Deadline {
  return deadlineAfter(TEMPLATE_WORK_BUDGET_MS);
}

/**
 * The engine as a Renderer whose every render must finish within the budget, for code that
 * renders through a Prompt (the executor), which cannot pass a deadline itself.
 */
export function withTemplateBudget(engine: TemplateEngine): Renderer {
  return {
    render: (prompt, input, options) =>
      engine.render(prompt, input, { ...options, deadline: templateDeadline() }),
  };
}

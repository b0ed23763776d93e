import 'server-only';
import { attach, type Renderer } from '@/lib/loom/core';
import { deadlineAfter, type Deadline, type TemplateEngine } from '@/lib/loom/template';
import { logger } from './logger';

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

/** Text, outputs with filters, a branch, a loop and an assign: every code path a render can take. */
const WARM_UP_PROMPT = {
  id: 'warm-up',
  version: 1,
  name: 'Warm-up',
  system: 'Answer {{ who }} in a {{ tone }} tone.',
  user: '{{ who | upcase }}{% if tone %}{{ tone.size }}{% endif %}{% for x in items %}{{ x }}{% endfor %}{% assign y = who %}{{ y }}',
  variables: ['who', 'tone', 'items'].map((name) => ({ name, type: 'string' as const, required: false })),
};

/**
 * Runs the engine's code once. V8 compiles functions on first use: a cold first analysis and
 * render took 60-100 ms on a loaded machine (2-30 ms once warm), which would spend the first
 * request's whole budget. Run when the engine is created, outside any request's deadline.
 */
export function warmUpTemplateEngine(engine: TemplateEngine): void {
  const deadline = deadlineAfter(10_000);
  engine.analyze(WARM_UP_PROMPT.user, WARM_UP_PROMPT.variables, { deadline });
  // The render works synchronously; its promise only carries the result.
  engine
    .render(attach(WARM_UP_PROMPT, engine).data, { who: 'a', tone: 'b', items: 'c' }, { deadline })
    .catch((error: unknown) => logger.warn({ error }, 'template engine warm-up failed'));
}

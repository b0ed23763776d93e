import { describe, expect, it, vi } from 'vitest';
import { attach } from '@/lib/loom/core';
import { createTemplateEngine } from '@/lib/loom/template';
import { logger } from './logger';
import { TEMPLATE_WORK_BUDGET_MS, warmUpTemplateEngine, withTemplateBudget } from './template-budget';

const variables = [{ name: 'items', type: 'list' as const, required: true }];
const items = JSON.stringify(Array.from({ length: 1_000 }, (_, i) => i));

describe('the template budget of a request', () => {
  it('stops a render through a Prompt at the budget, naming the template and where', async () => {
    const user =
      'Items:\n{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}';
    const prompt = attach(
      { id: 'p', version: 1, name: 'P', user, variables },
      withTemplateBudget(createTemplateEngine()),
    );
    const started = performance.now();
    await expect(prompt.render({ items })).rejects.toMatchObject({
      code: 'TEMPLATE_LIMIT',
      message: expect.stringMatching(
        new RegExp(
          `^Template user took longer than ${TEMPLATE_WORK_BUDGET_MS} ms to render; it stopped at line 2`,
        ),
      ),
    });
    expect(performance.now() - started).toBeLessThan(TEMPLATE_WORK_BUDGET_MS + 500);
  });

  it('gives each render its own budget', async () => {
    const renderer = withTemplateBudget(createTemplateEngine());
    const prompt = attach(
      { id: 'p', version: 1, name: 'P', user: '{{ items | size }}', variables },
      renderer,
    );
    await new Promise((resolve) => setTimeout(resolve, TEMPLATE_WORK_BUDGET_MS + 20));
    expect((await prompt.render({ items })).user).toBe('1000');
  });

  it('warms a new engine up without failing', async () => {
    const warn = vi.spyOn(logger, 'warn');
    warmUpTemplateEngine(createTemplateEngine());
    await new Promise((resolve) => setTimeout(resolve, 0)); // a failed render would log by now
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
  });
});

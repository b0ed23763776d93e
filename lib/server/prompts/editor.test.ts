// The live preview's server half: what the editor shows for good and bad drafts.
import { describe, expect, it } from 'vitest';
import type { EditorDraft } from '@/components/editor/types';
import { createTemplateEngine } from '@/lib/loom/template';
import { emptyBase, previewDraft } from './editor';
import { TEMPLATE_WORK_BUDGET_MS } from '../template-budget';

const engine = createTemplateEngine();

function draft(overrides: Partial<EditorDraft> = {}): EditorDraft {
  return {
    ...emptyBase('p', 'P', { provider: 'openai', model: 'gpt-4o-mini' }).draft,
    system: 'Be brief.',
    user: 'Summarise for {{ audience }}: {{ text }}',
    variables: [
      { name: 'audience', type: 'enum', values: ['kids', 'experts'], required: false, default: 'kids' },
      { name: 'text', type: 'string', required: true },
    ],
    ...overrides,
  };
}

describe('previewDraft', () => {
  it('returns the messages exactly as sent, with examples as turns, tokens and cost', async () => {
    const result = await previewDraft(
      engine,
      draft({
        examples: [{ input: { text: 'Cats purr.' }, output: 'Cats make a sound.' }],
        model: { provider: 'openai', model: 'gpt-4o-mini', maxTokens: 100 },
      }),
      { text: 'Stars are hot.' },
    );
    expect(result.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'Summarise for kids: Cats purr.' },
      { role: 'assistant', content: 'Cats make a sound.' },
      { role: 'user', content: 'Summarise for kids: Stars are hot.' },
    ]);
    expect(result.tokens).toMatchObject({ isExact: true, maxOutput: 100 });
    expect(result.tokens?.input).toBeGreaterThan(20);
    expect(result.costMicros).toBeGreaterThan(0);
  });

  it('marks undeclared names at their line and column and renders nothing', async () => {
    const result = await previewDraft(engine, draft({ user: 'Hi\n  {{ text }} {{ tone }}' }), { text: 'x' });
    expect(result.templates.user.undeclared).toEqual([{ name: 'tone', line: 2, column: 17 }]);
    expect(result.messages).toBeNull();
  });

  it('reports a syntax error with its position instead of throwing', async () => {
    const result = await previewDraft(engine, draft({ system: 'ok\n{% if %}' }), { text: 'x' });
    expect(result.templates.system.errors[0]).toMatchObject({ line: 2 });
    expect(result.messages).toBeNull();
  });

  it('reports sample input of the wrong type against the variable', async () => {
    const result = await previewDraft(
      engine,
      draft({
        user: '{{ n }}',
        variables: [{ name: 'n', type: 'number', required: true }],
      }),
      { n: 'twelve' },
    );
    expect(result.inputIssues).toEqual([{ path: 'n', message: expect.stringContaining('"n"') }]);
    expect(result.messages).toBeNull();
  });

  it('reports a duplicate variable at its row', async () => {
    const result = await previewDraft(
      engine,
      draft({
        variables: [
          { name: 'text', type: 'string', required: true },
          { name: 'text', type: 'string', required: false },
          { name: 'audience', type: 'string', required: false },
        ],
      }),
      {},
    );
    expect(result.issues).toEqual([
      { path: 'variables.1.name', message: expect.stringContaining('declared more than once') },
    ]);
  });

  it('reports a bad setting in plain words together with the template and variable problems', async () => {
    const result = await previewDraft(
      engine,
      draft({
        user: '{{ text }} {{ tone }}',
        model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 2.5 },
        variables: [
          { name: 'text', type: 'string', required: true },
          { name: 'text', type: 'string', required: false },
        ],
      }),
      { text: 'x' },
    );
    expect(result.issues).toEqual([
      { path: 'model.temperature', message: 'Temperature must be at most 2.' },
      { path: 'variables.1.name', message: expect.stringContaining('declared more than once') },
    ]);
    expect(result.templates.user.undeclared).toEqual([{ name: 'tone', line: 1, column: 15 }]);
    expect(result.messages).toBeNull();
  });

  it('says the cost is unknown for a model without a price, never 0', async () => {
    const result = await previewDraft(engine, draft({ model: { provider: 'x', model: 'my-own-model' } }), {
      text: 'x',
    });
    expect(result.tokens?.isExact).toBe(false);
    expect(result.costMicros).toBeNull();
  });

  it('refuses an oversized template as an issue on that template', async () => {
    const result = await previewDraft(engine, draft({ user: 'y'.repeat(300 * 1024) }), {});
    expect(result.issues).toEqual([
      { path: 'user', message: expect.stringContaining('Templates are limited to 256 KB.') },
    ]);
  });

  it('marks a dangling filter pipe at the pipe, where the editor draws its marker', async () => {
    const result = await previewDraft(
      engine,
      draft({ user: 'Summarise for {{ audience }}:\n  {{ text | }}' }),
      {
        text: 'x',
      },
    );
    expect(result.templates.user.errors).toEqual([
      { message: 'A "|" must be followed by a filter name, such as "| upcase"', line: 2, column: 11 },
    ]);
    expect(result.messages).toBeNull();
  });

  it('previews a long template in a fraction of a second', async () => {
    // 128 KB of interpolations: analysis alone used to take about 4 s, blocking every request.
    const user = '{{ text }} '.repeat((128 * 1024) / 11);
    await previewDraft(engine, draft(), { text: 'x' }); // loads the token encoding, once per process
    const started = performance.now();
    const result = await previewDraft(createTemplateEngine(), draft({ user }), { text: 'tide' });
    expect(performance.now() - started).toBeLessThan(1_000);
    expect(result.renderError).toBeNull();
    expect(result.messages?.at(-1)?.content).toBe('tide '.repeat((128 * 1024) / 11));
  });

  it('stops template work at the request budget and says which template took too long', async () => {
    const list = JSON.stringify(Array.from({ length: 1_000 }, (_, i) => i));
    const started = performance.now();
    const result = await previewDraft(
      engine,
      draft({
        user: '{{ text }}\n{% for a in items %}{% for b in items %}{% for c in items %}{% endfor %}{% endfor %}{% endfor %}',
        variables: [
          { name: 'text', type: 'string', required: true },
          { name: 'items', type: 'list', required: true },
        ],
      }),
      { text: 'x', items: list },
    );
    expect(performance.now() - started).toBeLessThan(TEMPLATE_WORK_BUDGET_MS + 500);
    expect(result.renderError).toMatch(
      new RegExp(
        `^Template user took longer than ${TEMPLATE_WORK_BUDGET_MS} ms to render; it stopped at line 2`,
      ),
    );
    expect(result.messages).toBeNull();
  });
});

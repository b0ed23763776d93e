import { describe, expect, it } from 'vitest';
import { whyNotRendered } from './preview-problems';
import type { PreviewResult, TemplateCheck } from './types';

const CLEAN: TemplateCheck = { errors: [], undeclared: [], unused: [] };

function result(overrides: Partial<PreviewResult>): PreviewResult {
  return {
    templates: { system: CLEAN, user: CLEAN },
    issues: [],
    inputIssues: [],
    messages: null,
    renderError: null,
    tokens: null,
    costMicros: null,
    model: 'gpt-4o-mini',
    ...overrides,
  };
}

describe('whyNotRendered', () => {
  it('is null when the draft rendered', () => {
    expect(whyNotRendered(result({ messages: [{ role: 'user', content: 'hi' }] }))).toBeNull();
  });

  it('points at the sample input when only a sample value is missing, never at the editor', () => {
    const why = whyNotRendered(result({ inputIssues: [{ path: 'topic', message: '"topic" is required' }] }));
    expect(why?.reason).toBe('Sample input: "topic" is required. Fill it in above to see the messages.');
  });

  it('names the template, line and column of a syntax error', () => {
    const why = whyNotRendered(
      result({
        templates: {
          system: CLEAN,
          user: { ...CLEAN, errors: [{ message: 'tag not closed', line: 2, column: 4 }] },
        },
      }),
    );
    expect(why?.reason).toBe('The user template has a syntax error at line 2, column 4: tag not closed');
  });

  it('offers to declare each undeclared name once', () => {
    const tone = { name: 'tone', line: 1, column: 3 };
    const why = whyNotRendered(
      result({
        templates: { system: { ...CLEAN, undeclared: [tone] }, user: { ...CLEAN, undeclared: [tone] } },
      }),
    );
    expect(why).toEqual({ reason: '"tone" is used in a template but not declared.', undeclared: ['tone'] });
  });

  it('names the section of a definition problem and counts the others', () => {
    const why = whyNotRendered(
      result({
        issues: [
          { path: 'model.temperature', message: 'Temperature must be at most 2.' },
          { path: 'variables.0.name', message: 'variable "x": is declared more than once' },
        ],
      }),
    );
    expect(why?.reason).toBe('In Model settings: Temperature must be at most 2. (and 1 more, marked in red)');
  });
});

import { describe, expect, it } from 'vitest';
import { isLoomError, promptSchema, type LoomError } from '../core';
import { samplePrompt } from '../testing/registry-contract';
import { parsePromptDocument, serializePromptDocument } from './prompt-document';

function parseError(text: string, path?: string): LoomError {
  try {
    parsePromptDocument(text, path === undefined ? {} : { path });
  } catch (error) {
    if (isLoomError(error, 'INVALID_INPUT')) return error;
    throw error;
  }
  throw new Error('expected INVALID_INPUT');
}

describe('prompt documents', () => {
  it('round-trips every field, including awkward strings and dates', () => {
    const data = promptSchema.parse({
      ...samplePrompt('doc'),
      version: 3,
      author: 'ana',
      message: 'why: "because"',
      createdAt: new Date('2026-11-25T08:00:00.123Z'),
      system: 'line one\n  indented: yes\n# not a comment\ntrailing space \n',
      user: ' leading space and --- and ... and : colon',
      metadata: { empty: '', multiline: 'a\n\nb', yes: 'yes', num: '012' },
    });
    const text = serializePromptDocument(data);
    expect(parsePromptDocument(text)).toEqual(data);
  });

  it('writes a readable document: id first, templates as literal blocks, ISO dates', () => {
    const data = promptSchema.parse({ ...samplePrompt('doc'), system: 'one\ntwo', createdAt: new Date(0) });
    const text = serializePromptDocument(data);
    expect(text.startsWith('id: doc\nversion: 0\nname: Prompt doc\n')).toBe(true);
    expect(text).toContain('system: |-\n  one\n  two\n');
    expect(text).toContain('createdAt: 1970-01-01T00:00:00.000Z');
  });

  it('accepts a hand-written document without version (0 = not yet saved) and JSON', () => {
    expect(parsePromptDocument('id: hand\nname: Hand made\nuser: Hi {{ name }}\n')).toMatchObject({
      id: 'hand',
      version: 0,
      user: 'Hi {{ name }}',
      variables: [],
    });
    expect(parsePromptDocument('{"id": "json", "name": "From JSON", "version": 2}').version).toBe(2);
  });

  it('reports the bad field with its path, line and column and the file name', () => {
    const error = parseError(
      [
        'id: ok',
        'name: Fine',
        'variables:',
        '  - name: good',
        '    type: string',
        '  - name: 9bad',
        '    type: string',
      ].join('\n'),
      'prompts/ok.yaml',
    );
    expect(error.message).toContain('prompts/ok.yaml');
    expect(error.message).toContain('variables.1.name');
    expect(error.details.file).toBe('prompts/ok.yaml');
    expect(error.details.issues?.[0]).toMatchObject({ path: 'variables.1.name', line: 6, column: 11 });
  });

  it('reports unknown fields (typos) and bad dates', () => {
    const error = parseError('id: ok\nname: x\nsytem: oops\ncreatedAt: yesterday\n');
    expect(error.details.issues).toEqual([
      { path: 'sytem', message: 'unknown field', line: 3, column: 1 },
      { path: 'createdAt', message: 'must be an ISO 8601 date', line: 4, column: 12 },
    ]);
  });

  it('reports missing fields at the document and YAML syntax errors with their position', () => {
    expect(parseError('id: ok\n').details.issues?.[0]).toMatchObject({ path: 'name', line: 1, column: 1 });
    const syntax = parseError('id: ok\nname: [unclosed\n');
    expect(syntax.message).toContain('not valid YAML');
    expect(syntax.details.issues?.[0]?.line).toBeGreaterThan(0);
    expect(parseError('just a string').details.issues?.[0]?.message).toBe('expected a mapping');
    expect(parseError('id: a\nid: b\nname: x\n').message).toContain('not valid YAML');
  });
});

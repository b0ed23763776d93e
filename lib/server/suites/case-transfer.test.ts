// CSV and JSONL parsing of suite cases: row/column problems, coercion by the variables' types.
import { describe, expect, it } from 'vitest';
import type { Variable } from '@/lib/loom/core';
import { csvColumns, csvHeader, csvRows, jsonlRows, parseCsvCases, parseJsonlCases } from './case-transfer';

const variables: Variable[] = [
  { name: 'question', type: 'string', required: true },
  { name: 'max_words', type: 'number', required: false },
  { name: 'strict', type: 'boolean', required: false },
  { name: 'items', type: 'list', required: false },
  { name: 'meta', type: 'json', required: false },
];

describe('parseCsvCases', () => {
  it('coerces cells by the declared type and reads id, expected, tags and notes', () => {
    const text =
      'id,question,max_words,strict,items,meta,expected,tags,notes\r\n' +
      'q1,"Why, really?",12,true,"[""a"",""b""]","{""k"":1}",Because,smoke|slow,first\r\n';
    expect(parseCsvCases(text, { variables })).toEqual({
      ok: true,
      cases: [
        {
          id: 'q1',
          input: { question: 'Why, really?', max_words: 12, strict: true, items: ['a', 'b'], meta: { k: 1 } },
          expected: 'Because',
          tags: ['smoke', 'slow'],
          notes: 'first',
        },
      ],
    });
  });

  it('names the row and column of a value of the wrong type', () => {
    const result = parseCsvCases('question,max_words\nok,abc\nfine,3\n,4', { variables });
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { row: 2, column: 'max_words', message: '"max_words" must be a number' },
        { row: 4, column: 'question', message: 'missing required variable "question"' },
      ],
    });
  });

  it('refuses unknown and missing columns at the header', () => {
    const result = parseCsvCases('prompt,max_words\nx,1', { variables });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems.map((p) => [p.row, p.column])).toEqual([
      [1, 'prompt'],
      [1, 'question'],
    ]);
  });

  it('refuses a row with the wrong number of fields and duplicate ids', () => {
    const result = parseCsvCases('id,question\na,x\nb\na,y', { variables });
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { row: 3, message: 'has 1 field, the header has 2' },
        { row: 4, column: 'id', message: 'duplicate id "a" (also on row 2)' },
      ],
    });
  });

  it('caps the listed problems and counts the rest', () => {
    const lines = ['question,max_words', ...Array.from({ length: 80 }, () => 'x,nope')];
    const result = parseCsvCases(lines.join('\n'), { variables });
    expect(result).toMatchObject({ ok: false, more: 30 });
    if (!result.ok) expect(result.problems).toHaveLength(50);
  });

  it('stops at the limit without reading the rest', () => {
    const lines = ['question', ...Array.from({ length: 1000 }, (_, i) => `q${i}`)];
    const result = parseCsvCases(lines.join('\n'), { variables, maxCases: 10 });
    expect(result).toMatchObject({ ok: false, problems: [] });
    if (!result.ok) expect(result.message).toMatch(/at most 20,000 cases \(this one has room for 10 more\)/);
  });

  it('refuses an empty file', () => {
    expect(parseCsvCases('', { variables })).toMatchObject({
      ok: false,
      problems: [{ message: expect.stringMatching(/empty/) }],
    });
  });
});

describe('parseJsonlCases', () => {
  it('reads one case per line and skips blank lines', () => {
    const text =
      '{"id":"a","input":{"question":"q","max_words":"3"},"tags":["t"]}\n\n{"input":{"question":"r"},"expected":"e","notes":"n"}\n';
    expect(parseJsonlCases(text, { variables })).toEqual({
      ok: true,
      cases: [
        { id: 'a', input: { question: 'q', max_words: 3 }, expected: null, tags: ['t'], notes: '' },
        { input: { question: 'r' }, expected: 'e', tags: [], notes: 'n' },
      ],
    });
  });

  it('names the line of bad JSON, unknown fields and wrong types', () => {
    const text = [
      '{"input":{"question":"ok"}}',
      '{oops',
      '{"input":{"question":"x","max_words":"abc"}}',
      '{"input":{"question":"y"},"tags":"t"}',
    ].join('\n');
    const result = parseJsonlCases(text, { variables });
    expect(result).toMatchObject({
      ok: false,
      problems: [
        { row: 2, message: expect.stringMatching(/^not valid JSON/) },
        { row: 3, column: 'input.max_words', message: '"max_words" must be a number' },
        { row: 4, column: 'tags' },
      ],
    });
  });
});

describe('export', () => {
  it('writes a header and rows that parse back', () => {
    const cases = [
      {
        caseId: 'a',
        input: { question: 'Line\nbreak, "quoted"', items: ['x'], meta: { a: [1, 'two'] } },
        expected: null,
        tags: ['t1', 't2'],
        notes: '',
      },
    ];
    const columns = csvColumns(variables, ['question', 'items', 'meta']);
    const csv = csvHeader(columns) + csvRows(cases, columns, variables);
    expect(parseCsvCases(csv, { variables })).toEqual({
      ok: true,
      cases: [{ id: 'a', input: cases[0]?.input, expected: null, tags: ['t1', 't2'], notes: '' }],
    });
    expect(parseJsonlCases(jsonlRows(cases), { variables })).toMatchObject({
      ok: true,
      cases: [{ id: 'a', input: cases[0]?.input }],
    });
  });
});

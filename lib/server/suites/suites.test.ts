// Suites against real databases (PostgreSQL and the embedded PGlite): revisions, conflicts, paging,
// import all-or-nothing, export round-trip, evaluator and rubric checks.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { isLoomError, type LoomError } from '@/lib/loom/core';
import { MAX_SUITE_CASES } from '@/components/suites/types';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { exportSuiteCases, importSuiteCases, ImportRefused } from './case-transfer';
import { assertRubricDraft, checkEvaluators } from './rubric';
import { loadSuiteRevision } from './runs';
import {
  createSuite,
  createSuiteSchema,
  deleteSuiteCases,
  getSuite,
  getSuiteRevision,
  listSuiteCases,
  listSuiteRevisions,
  listSuites,
  saveSuiteCase,
  saveSuiteEvaluators,
} from './suites';

async function rejection(promise: Promise<unknown>): Promise<LoomError> {
  try {
    await promise;
  } catch (error) {
    if (isLoomError(error)) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

async function streamText(body: ReadableStream<Uint8Array>): Promise<string> {
  return new Response(body).text();
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('suites on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  const actor = () => ({ workspaceId, email: 'ana@x.test' });
  const query = { page: 1, search: '', tag: '' };

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    await registry.save({
      id: 'summarise',
      version: 0,
      name: 'Summarise',
      user: '{{ text }} in {{ max_words }} words {{ tone }}',
      variables: [
        { name: 'text', type: 'string', required: true },
        { name: 'max_words', type: 'number', required: false },
        { name: 'tone', type: 'enum', values: ['dry', 'warm'], required: false },
      ],
    });
    await registry.save({
      id: 'rubric',
      version: 0,
      name: 'Rubric',
      user: 'Judge {{ actual }} for {{ input }}',
      variables: [
        { name: 'input', type: 'string', required: true },
        { name: 'actual', type: 'string', required: true },
      ],
    });
    await registry.setLabel('rubric', 'production', 1);
    await registry.save({
      id: 'plain',
      version: 0,
      name: 'Plain',
      user: 'Hi {{ who }}',
      variables: [{ name: 'who', type: 'string', required: true }],
    });
    await registry.setLabel('plain', 'production', 1);
  });
  afterAll(() => db.close());

  async function newSuite(name = 'S') {
    return createSuite(db.prisma, actor(), createSuiteSchema.parse({ name, promptId: 'summarise' }));
  }

  it('creates revision 1 with the default evaluator and lists it', async () => {
    const { id, revision } = await newSuite('Listed');
    expect(revision).toBe(1);
    const rev = await getSuiteRevision(db.prisma, workspaceId, id);
    expect(rev.evaluators).toEqual([{ kind: 'exactMatch', trim: true, ignoreCase: false }]);
    const row = (await listSuites(db.prisma, workspaceId)).find((s) => s.id === id);
    expect(row).toMatchObject({ name: 'Listed', promptName: 'Summarise', caseCount: 0, lastRun: null });
  });

  it('refuses a suite for a prompt that does not exist or is archived', async () => {
    const missing = await rejection(
      createSuite(db.prisma, actor(), createSuiteSchema.parse({ name: 'X', promptId: 'nope' })),
    );
    expect(missing.details.issues?.[0]?.path).toBe('promptId');
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    await registry.save({ id: 'old', version: 0, name: 'Old', user: 'x' });
    await registry.archive('old');
    const archived = await rejection(
      createSuite(db.prisma, actor(), createSuiteSchema.parse({ name: 'X', promptId: 'old' })),
    );
    expect(archived.message).toMatch(/archived/);
  });

  it('makes a new immutable revision per edit and refuses a stale one with CONFLICT', async () => {
    const { id } = await newSuite();
    const first = await saveSuiteCase(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 1,
      message: '',
      case: {
        input: { text: 'Cats purr.', max_words: '5' },
        expected: 'Cats purr',
        tags: ['smoke'],
        notes: '',
      },
    });
    expect(first).toEqual({ revision: 2, caseId: 'case-1' });
    const second = await saveSuiteCase(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 2,
      message: '',
      originalId: 'case-1',
      case: { input: { text: 'Dogs bark.' }, expected: null, tags: [], notes: 'edited' },
    });
    expect(second.revision).toBe(3);
    // revision 2 is unchanged
    const r2 = await listSuiteCases(db.prisma, workspaceId, id, 2, query);
    expect(r2.cases[0]).toMatchObject({
      id: 'case-1',
      input: { text: 'Cats purr.', max_words: 5 },
      tags: ['smoke'],
    });
    const r3 = await listSuiteCases(db.prisma, workspaceId, id, 3, query);
    expect(r3.cases[0]).toMatchObject({ id: 'case-1', input: { text: 'Dogs bark.' }, notes: 'edited' });

    const stale = await rejection(
      saveSuiteCase(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 2,
        message: '',
        case: { input: { text: 'late' }, tags: [], notes: '' },
      }),
    );
    expect(stale.code).toBe('CONFLICT');
    expect(stale.message).toMatch(/revision 2.*revision 3/);
    expect((await getSuite(db.prisma, workspaceId, id)).revision).toBe(3);

    await deleteSuiteCases(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 3,
      message: '',
      caseIds: ['case-1'],
    });
    const revisions = await listSuiteRevisions(db.prisma, workspaceId, id);
    expect(revisions.map((r) => [r.revision, r.caseCount])).toEqual([
      [4, 0],
      [3, 1],
      [2, 1],
      [1, 0],
    ]);
  });

  it('refuses a case of the wrong type, with an unknown variable or missing a required one', async () => {
    const { id } = await newSuite();
    const error = await rejection(
      saveSuiteCase(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 1,
        message: '',
        case: { input: { max_words: 'abc', colour: 'red' }, tags: [], notes: '' },
      }),
    );
    const paths = Object.fromEntries((error.details.issues ?? []).map((i) => [i.path, i.message]));
    expect(paths['case.input.max_words']).toMatch(/must be a number/);
    expect(paths['case.input.colour']).toMatch(/unknown column/);
    expect(paths['case.input.text']).toMatch(/missing required variable "text"/);
    expect((await getSuite(db.prisma, workspaceId, id)).revision).toBe(1);
  });

  it('imports CSV all-or-nothing and names each bad row and column', async () => {
    const { id } = await newSuite();
    const bad = ['id,text,max_words,colour', 'a,Hello,3,red'].join('\n');
    const header = await rejection(
      importSuiteCases(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 1,
        format: 'csv',
        mode: 'append',
        text: bad,
      }),
    );
    expect(header).toBeInstanceOf(ImportRefused);
    expect((header as ImportRefused).problems).toEqual([
      expect.objectContaining({
        row: 1,
        column: 'colour',
        message: expect.stringMatching(/unknown column "colour"/),
      }),
    ]);

    const rows = ['id,text,max_words,tags', 'a,Hello,3,smoke|fast', 'b,Hi,abc,', 'a,Again,2,', 'c,,1,'].join(
      '\n',
    );
    const refused = (await rejection(
      importSuiteCases(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 1,
        format: 'csv',
        mode: 'append',
        text: rows,
      }),
    )) as ImportRefused;
    expect(refused.problems).toEqual([
      { row: 3, column: 'max_words', message: expect.stringMatching(/must be a number/) },
      { row: 4, column: 'id', message: 'duplicate id "a" (also on row 2)' },
      { row: 5, column: 'text', message: 'missing required variable "text"' },
    ]);
    expect((await getSuiteRevision(db.prisma, workspaceId, id)).revision).toBe(1);

    const good = [
      'id,text,max_words,tags,expected',
      'a,Hello,3,smoke|fast,Hi',
      ',"Multi, line\ntext",,,',
    ].join('\n');
    const done = await importSuiteCases(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 1,
      format: 'csv',
      mode: 'append',
      text: good,
    });
    expect(done).toEqual({ revision: 2, imported: 2, caseCount: 2 });
    const page = await listSuiteCases(db.prisma, workspaceId, id, 2, query);
    expect(page.cases.map((c) => [c.id, c.input, c.tags, c.expected])).toEqual([
      ['a', { text: 'Hello', max_words: 3 }, ['smoke', 'fast'], 'Hi'],
      ['case-1', { text: 'Multi, line\ntext' }, [], null],
    ]);
    // appending an id already in the suite is refused
    const again = (await rejection(
      importSuiteCases(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 2,
        format: 'csv',
        mode: 'append',
        text: 'id,text\na,x',
      }),
    )) as ImportRefused;
    expect(again.problems[0]).toMatchObject({ row: 2, column: 'id' });
  });

  it('imports JSONL and names the line with bad JSON', async () => {
    const { id } = await newSuite();
    const text = [
      '{"id":"x","input":{"text":"ok"}}',
      '{"input": {"text": }',
      '{"input":{"text":"y"},"expect":"typo"}',
    ].join('\n');
    const refused = (await rejection(
      importSuiteCases(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 1,
        format: 'jsonl',
        mode: 'append',
        text,
      }),
    )) as ImportRefused;
    expect(refused.problems).toEqual([
      { row: 2, message: expect.stringMatching(/^not valid JSON/) },
      { row: 3, column: 'expect', message: 'unknown field "expect"' },
    ]);
    expect((await getSuite(db.prisma, workspaceId, id)).revision).toBe(1);
  });

  it('refuses an over-limit file early, stating the limit', async () => {
    const { id } = await newSuite();
    const lines = ['text'];
    for (let i = 0; i < 100_000; i += 1) lines.push(`t${i}`);
    const refused = await rejection(
      importSuiteCases(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: 1,
        format: 'csv',
        mode: 'replace',
        text: lines.join('\n'),
      }),
    );
    expect(refused.message).toContain(`at most ${MAX_SUITE_CASES.toLocaleString('en-US')} cases`);
    expect((await getSuite(db.prisma, workspaceId, id)).revision).toBe(1);
  });

  it('exports CSV and JSONL that import back to the same cases', async () => {
    const { id } = await newSuite();
    const text = [
      '{"id":"q1","input":{"text":"He said \\"hi\\", then left","max_words":12,"tone":"dry"},"expected":"ok","tags":["a","b"],"notes":"n, 1"}',
      '{"input":{"text":"ünïcode\\nline"}}',
    ].join('\n');
    await importSuiteCases(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 1,
      format: 'jsonl',
      mode: 'append',
      text,
    });
    const original = await listSuiteCases(db.prisma, workspaceId, id, 2, query);
    for (const format of ['csv', 'jsonl'] as const) {
      const file = await exportSuiteCases(db.prisma, workspaceId, id, format, 2);
      const exported = await streamText(file.body);
      const current = (await getSuite(db.prisma, workspaceId, id)).revision;
      const result = await importSuiteCases(db.prisma, actor(), {
        suiteId: id,
        expectedRevision: current,
        format,
        mode: 'replace',
        text: exported,
      });
      const back = await listSuiteCases(db.prisma, workspaceId, id, result.revision, query);
      expect(back.cases.map(({ position: _, ...c }) => c)).toEqual(
        original.cases.map(({ position: _, ...c }) => c),
      );
    }
  });

  it('pages, searches and filters cases on the server', async () => {
    const { id } = await newSuite();
    const lines = ['id,text,tags'];
    for (let i = 1; i <= 120; i += 1) lines.push(`c${i},text number ${i},${i % 10 === 0 ? 'tens' : ''}`);
    await importSuiteCases(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 1,
      format: 'csv',
      mode: 'append',
      text: lines.join('\n'),
    });
    const p3 = await listSuiteCases(db.prisma, workspaceId, id, 2, { page: 3, search: '', tag: '' });
    expect(p3).toMatchObject({ total: 120, page: 3, pageCount: 3 });
    expect(p3.cases.map((c) => c.id)).toEqual(Array.from({ length: 20 }, (_, i) => `c${101 + i}`));
    const found = await listSuiteCases(db.prisma, workspaceId, id, 2, {
      page: 1,
      search: 'number 11',
      tag: '',
    });
    expect(found.cases.map((c) => c.id)).toEqual([
      'c11',
      'c110',
      'c111',
      'c112',
      'c113',
      'c114',
      'c115',
      'c116',
      'c117',
      'c118',
      'c119',
    ]);
    const tens = await listSuiteCases(db.prisma, workspaceId, id, 2, { page: 1, search: '', tag: 'tens' });
    expect(tens.total).toBe(12);
    expect(tens.tags).toEqual(['tens']);
    const run = await loadSuiteRevision(db.prisma, workspaceId, id, 2);
    expect(run.cases).toHaveLength(120);
    expect(run.cases[9]).toMatchObject({ id: 'c10', input: { text: 'text number 10' }, tags: ['tens'] });
    expect(run.cases[9]).not.toHaveProperty('expected');
  });

  it('validates evaluators with field errors: regex, schema, names, rubric variables', async () => {
    const error = await rejection(
      checkEvaluators(db.prisma, workspaceId, [
        { kind: 'regex', pattern: '(' },
        { kind: 'jsonSchema', schema: { type: 'nope' } },
        { kind: 'exactMatch', name: 'same' },
        { kind: 'contains', name: 'same' },
        { kind: 'llmJudge', rubricPromptId: 'plain' },
        { kind: 'llmJudge', name: 'j2', rubricPromptId: 'ghost' },
      ]),
    );
    const byPath = Object.fromEntries((error.details.issues ?? []).map((i) => [i.path, i.message]));
    expect(byPath['evaluators.0.pattern']).toMatch(/invalid regular expression/);
    expect(byPath['evaluators.1.schema']).toMatch(/invalid JSON Schema/);
    expect(byPath['evaluators.3.name']).toMatch(/duplicate name "same"/);
    expect(byPath['evaluators.4.rubricPromptId']).toMatch(
      /does not declare the variables "input" and "actual"/,
    );
    expect(byPath['evaluators.5.rubricPromptId']).toMatch(/does not exist/);

    const { id } = await newSuite();
    const saved = await saveSuiteEvaluators(db.prisma, actor(), {
      suiteId: id,
      expectedRevision: 1,
      message: '',
      evaluators: [
        { kind: 'contains', anyOf: ['x'] },
        { kind: 'llmJudge', rubricPromptId: 'rubric', samples: 3 },
      ],
    });
    expect(saved.revision).toBe(2);
    expect((await getSuiteRevision(db.prisma, workspaceId, id)).evaluators[1]).toEqual({
      kind: 'llmJudge',
      rubricPromptId: 'rubric',
      rubricVersion: 'production',
      threshold: 0.7,
      samples: 3,
    });
    // the prompt side: a new rubric version without `actual` is refused, naming the suite
    const refused = await rejection(
      assertRubricDraft(db.prisma, workspaceId, 'rubric', { variables: [{ name: 'input', type: 'string' }] }),
    );
    expect(refused.message).toMatch(/judge rubric of the suite "S".*lacks "actual"/);
    await expect(
      assertRubricDraft(db.prisma, workspaceId, 'rubric', {
        variables: [{ name: 'input' }, { name: 'actual' }],
      }),
    ).resolves.toBeUndefined();
    await expect(
      assertRubricDraft(db.prisma, workspaceId, 'plain', { variables: [] }),
    ).resolves.toBeUndefined();
  });
});

// The suite actions and the rubric rule on the prompt editor's save, against a real PostgreSQL
// database; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { saveCaseAction, deleteCasesAction, saveTestCaseAction } = await import('./actions');
const { createSuiteAction } = await import('../new/actions');
const { saveEvaluatorsAction } = await import('./evaluators/actions');
const { saveVersionAction } = await import('../../prompts/[id]/actions');

let db: TestDatabase;
let workspaceId: string;

function as(role: Viewer['role']) {
  session.viewer = {
    userId: 'u',
    email: `${role}@x.test`,
    name: role,
    workspaceId,
    workspaceName: 'W',
    role,
  };
}

const rubricDraft = (variables: string[]) => ({
  name: 'Rubric',
  description: '',
  tags: [],
  system: '',
  user: variables.map((v) => `{{ ${v} }}`).join(' '),
  variables: variables.map((name) => ({ name, type: 'string', required: true })),
  examples: [],
  model: { provider: 'openai', model: 'gpt-4o-mini' },
});

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  as('editor');
  for (const [id, variables] of [
    ['target', ['text']],
    ['rubric', ['input', 'actual']],
  ] as const) {
    const saved = await saveVersionAction({
      id,
      expectedLatest: 0,
      message: 'v1',
      draft: rubricDraft([...variables]),
    });
    expect(saved.ok).toBe(true);
  }
  await db.prisma.promptLabel.create({
    data: {
      promptId: (await db.prisma.prompt.findFirstOrThrow({ where: { slug: 'rubric' } })).id,
      label: 'production',
      version: 1,
      updatedAt: new Date(),
    },
  });
});
afterAll(() => db.close());
beforeEach(() => as('editor'));

describe('suite actions', () => {
  it('refuses every mutation to a viewer and changes nothing', async () => {
    const created = await createSuiteAction({ name: 'Mine', promptId: 'target' });
    if (!created.ok) throw new Error(created.error.message);
    as('viewer');
    expect(await createSuiteAction({ name: 'No', promptId: 'target' })).toMatchObject({
      ok: false,
      error: { code: 'FORBIDDEN' },
    });
    const ref = { suiteId: created.data.id, expectedRevision: 1, message: '' };
    expect(await saveCaseAction({ ...ref, case: { input: { text: 'x' } } })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect(await deleteCasesAction({ ...ref, caseIds: ['case-1'] })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect(await saveEvaluatorsAction({ ...ref, evaluators: [{ kind: 'validJson' }] })).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect(
      await saveTestCaseAction({ suiteId: created.data.id, case: { input: { text: 'x' } } }),
    ).toMatchObject({
      error: { code: 'FORBIDDEN' },
    });
    expect(await db.prisma.suite.count({ where: { workspaceId } })).toBe(1);
    expect((await db.prisma.suite.findFirstOrThrow({ where: { id: created.data.id } })).revision).toBe(1);
  });

  it('returns per-field errors for a case of the wrong shape', async () => {
    const created = await createSuiteAction({ name: 'Fields', promptId: 'target' });
    if (!created.ok) throw new Error(created.error.message);
    const result = await saveCaseAction({
      suiteId: created.data.id,
      expectedRevision: 1,
      message: '',
      case: { input: { text: 'x', extra: 1 } },
    });
    expect(result).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { 'case.input.extra': [expect.stringMatching(/unknown column "extra"/)] },
      },
    });
  });

  it('saves a playground run as a case of the suite', async () => {
    const created = await createSuiteAction({ name: 'From playground', promptId: 'target' });
    if (!created.ok) throw new Error(created.error.message);
    const result = await saveTestCaseAction({
      suiteId: created.data.id,
      case: { input: { text: 'hi' }, expected: 'hello' },
    });
    expect(result).toEqual({
      ok: true,
      data: { revision: 2, caseId: 'case-1', suiteName: 'From playground' },
    });
  });

  it('refuses a judge whose rubric lacks input/actual, and a rubric version that drops them', async () => {
    const created = await createSuiteAction({ name: 'Judged', promptId: 'target' });
    if (!created.ok) throw new Error(created.error.message);
    const ref = { suiteId: created.data.id, expectedRevision: 1, message: '' };
    const bad = await saveEvaluatorsAction({
      ...ref,
      evaluators: [{ kind: 'llmJudge', rubricPromptId: 'target', rubricVersion: 1 }],
    });
    expect(bad).toMatchObject({
      ok: false,
      error: {
        fieldErrors: { 'evaluators.0.rubricPromptId': [expect.stringMatching(/"input" and "actual"/)] },
      },
    });
    expect(
      await saveEvaluatorsAction({ ...ref, evaluators: [{ kind: 'llmJudge', rubricPromptId: 'rubric' }] }),
    ).toMatchObject({
      ok: true,
      data: { revision: 2 },
    });
    const dropped = await saveVersionAction({
      id: 'rubric',
      expectedLatest: 1,
      message: 'simpler',
      draft: rubricDraft(['input']),
    });
    expect(dropped).toMatchObject({
      ok: false,
      error: {
        code: 'INVALID_INPUT',
        fieldErrors: { variables: [expect.stringMatching(/suite "Judged".*lacks "actual"/)] },
      },
    });
    expect((await db.prisma.prompt.findFirstOrThrow({ where: { slug: 'rubric' } })).latestVersion).toBe(1);
    expect(
      await saveVersionAction({
        id: 'rubric',
        expectedLatest: 1,
        message: 'more',
        draft: rubricDraft(['input', 'actual', 'expected']),
      }),
    ).toMatchObject({ ok: true });
  });
});

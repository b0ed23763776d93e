import 'server-only';
import { z } from 'zod';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, promptIdSchema, type Variable } from '@/lib/loom/core';
import {
  CASES_PAGE_SIZE,
  MAX_SUITE_CASES,
  type CasePage,
  type CasePageQuery,
  type CaseRow,
  type PromptOption,
  type RevisionRow,
  type SuiteHeader,
  type SuiteListRow,
} from '@/components/suites/types';
import type { Viewer } from '../auth/session';
import type { SuiteEvaluatorConfig } from './evaluator-config';
import { checkEvaluators } from './rubric';
import {
  caseDraftSchema,
  caseIdSchema,
  compileCaseInputCheck,
  generatedCaseId,
  invalidCase,
  type ValidCase,
} from './suite-cases';

// Suites of a workspace: every read and write is scoped by workspaceId. A suite's content lives in
// immutable revisions; every edit locks the Suite row (SELECT ... FOR UPDATE), checks the revision
// the editor started from (stale: CONFLICT), copies the previous revision's cases in SQL and applies
// the change, all in one transaction, so a refused or failed edit leaves nothing behind.

type Tx = Prisma.TransactionClient;
type Db = PrismaClient | Tx;
type Actor = Pick<Viewer, 'workspaceId' | 'email'>;

/** A suite of 20,000 cases copies in a few seconds on a slow disk; leave room for lock waits. */
const TRANSACTION_OPTIONS = { maxWait: 10_000, timeout: 60_000 };
/** Rows per INSERT: 7 parameters each stays far below PostgreSQL's 65,535-parameter cap. */
const INSERT_BATCH = 2000;

export const DEFAULT_EVALUATORS: SuiteEvaluatorConfig[] = [
  { kind: 'exactMatch', trim: true, ignoreCase: false },
];

const suiteIdSchema = z.string().min(1).max(100);
const nameSchema = z
  .string()
  .trim()
  .min(1, 'Give the suite a name.')
  .max(200, 'Names are at most 200 characters.');
const descriptionSchema = z.string().max(5000, 'Descriptions are at most 5,000 characters.');
const messageSchema = z.string().trim().max(1000, 'Messages are at most 1,000 characters.').default('');

export const createSuiteSchema = z.object({
  name: nameSchema,
  description: descriptionSchema.default(''),
  promptId: promptIdSchema,
  evaluators: z.unknown().optional(),
  cases: z.array(caseDraftSchema).max(MAX_SUITE_CASES).optional(),
});

const revisionRefSchema = z.object({
  suiteId: suiteIdSchema,
  /** The revision the editor loaded; a newer one is a CONFLICT. */
  expectedRevision: z.number().int().positive(),
  message: messageSchema,
});

export const saveCaseSchema = revisionRefSchema.extend({
  /** The id of the case being edited (absent: a new case). */
  originalId: caseIdSchema.optional(),
  case: caseDraftSchema,
});
export const deleteCasesSchema = revisionRefSchema.extend({
  caseIds: z.array(caseIdSchema).min(1).max(MAX_SUITE_CASES),
});
export const saveEvaluatorsSchema = revisionRefSchema.extend({ evaluators: z.unknown() });
export const renameSuiteSchema = revisionRefSchema.extend({
  name: nameSchema,
  description: descriptionSchema,
});

// ---------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------

function notFound(id: string): LoomError {
  return new LoomError('NOT_FOUND', `Suite "${id}" not found`, { suiteId: id });
}

/** The prompt row and the variables of its latest version; NOT_FOUND when the workspace has no such prompt. */
export async function loadPromptVariables(
  db: Db,
  workspaceId: string,
  promptId: string,
): Promise<{ id: string; name: string; archived: boolean; latestVersion: number; variables: Variable[] }> {
  const prompt = await db.prompt.findUnique({
    where: { workspaceId_slug: { workspaceId, slug: promptId } },
    select: { id: true, name: true, archivedAt: true, latestVersion: true },
  });
  if (!prompt) throw new LoomError('NOT_FOUND', `Prompt "${promptId}" not found`, { promptId });
  const version = await db.promptVersion.findUnique({
    where: { promptId_version: { promptId: prompt.id, version: prompt.latestVersion } },
    select: { variables: true },
  });
  return {
    id: prompt.id,
    name: prompt.name,
    archived: prompt.archivedAt !== null,
    latestVersion: prompt.latestVersion,
    variables: (version?.variables ?? []) as Variable[],
  };
}

export async function listSuites(db: PrismaClient, workspaceId: string): Promise<SuiteListRow[]> {
  const suites = await db.suite.findMany({
    where: { workspaceId, archivedAt: null },
    orderBy: { updatedAt: 'desc' },
  });
  if (suites.length === 0) return [];
  const ids = suites.map((s) => s.id);
  const [revisions, prompts, runs] = await Promise.all([
    db.suiteRevision.findMany({
      where: { workspaceId, OR: suites.map((s) => ({ suiteId: s.id, revision: s.revision })) },
      select: { suiteId: true, caseCount: true },
    }),
    db.prompt.findMany({
      where: { workspaceId, slug: { in: [...new Set(suites.map((s) => s.promptId))] } },
      select: { slug: true, name: true },
    }),
    db.$queryRaw<{ suiteId: string; id: string; status: string; summary: unknown; createdAt: Date }[]>`
      SELECT DISTINCT ON ("suiteId") "suiteId", "id", "status", "summary", "createdAt"
      FROM "EvalRun" WHERE "workspaceId" = ${workspaceId} AND "suiteId" = ANY(${ids})
      ORDER BY "suiteId", "createdAt" DESC`,
  ]);
  const counts = new Map(revisions.map((r) => [r.suiteId, r.caseCount]));
  const names = new Map(prompts.map((p) => [p.slug, p.name]));
  const lastRuns = new Map(runs.map((r) => [r.suiteId, r]));
  return suites.map((s) => {
    const run = lastRuns.get(s.id);
    const passRate = (run?.summary as { passRate?: { estimate?: unknown } } | null)?.passRate?.estimate;
    return {
      id: s.id,
      name: s.name,
      description: s.description,
      promptId: s.promptId,
      promptName: names.get(s.promptId) ?? null,
      revision: s.revision,
      caseCount: counts.get(s.id) ?? 0,
      updatedAt: s.updatedAt.toISOString(),
      updatedBy: s.updatedBy,
      lastRun: run
        ? {
            id: run.id,
            status: run.status,
            passRate: typeof passRate === 'number' ? passRate : null,
            createdAt: run.createdAt.toISOString(),
          }
        : null,
    };
  });
}

export async function getSuite(db: Db, workspaceId: string, suiteId: string): Promise<SuiteHeader> {
  const suite = await db.suite.findUnique({ where: { workspaceId_id: { workspaceId, id: suiteId } } });
  if (!suite) throw notFound(suiteId);
  const prompt = await db.prompt.findUnique({
    where: { workspaceId_slug: { workspaceId, slug: suite.promptId } },
    select: { name: true },
  });
  return {
    id: suite.id,
    name: suite.name,
    description: suite.description,
    promptId: suite.promptId,
    promptName: prompt?.name ?? null,
    revision: suite.revision,
    archived: suite.archivedAt !== null,
  };
}

export interface SuiteRevisionData {
  suiteId: string;
  revision: number;
  evaluators: SuiteEvaluatorConfig[];
  caseCount: number;
  message: string;
  author: string | null;
  createdAt: Date;
}

/** One revision's evaluators and counts (the latest when `revision` is absent); NOT_FOUND for another. */
export async function getSuiteRevision(
  db: Db,
  workspaceId: string,
  suiteId: string,
  revision?: number,
): Promise<SuiteRevisionData> {
  const number = revision ?? (await getSuite(db, workspaceId, suiteId)).revision;
  const row = await db.suiteRevision.findUnique({
    where: { workspaceId_suiteId_revision: { workspaceId, suiteId, revision: number } },
  });
  if (!row) throw new LoomError('NOT_FOUND', `Suite "${suiteId}" has no revision ${number}`, { suiteId });
  return {
    suiteId,
    revision: row.revision,
    evaluators: row.evaluators as SuiteEvaluatorConfig[],
    caseCount: row.caseCount,
    message: row.message,
    author: row.author,
    createdAt: row.createdAt,
  };
}

export const casePageQuerySchema = z.object({
  page: z.coerce.number().int().min(1).max(1_000_000).default(1).catch(1),
  search: z.string().max(200).default('').catch(''),
  tag: z.string().max(50).default('').catch(''),
});

export function parseCasePageQuery(params: Record<string, string | string[] | undefined>): CasePageQuery {
  const one = (key: string) => (typeof params[key] === 'string' ? params[key] : undefined);
  return casePageQuerySchema.parse({ page: one('page'), search: one('search'), tag: one('tag') });
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/** One page (CASES_PAGE_SIZE) of a revision's cases, filtered in SQL: never loads the whole suite. */
export async function listSuiteCases(
  db: Db,
  workspaceId: string,
  suiteId: string,
  revision: number,
  query: CasePageQuery,
): Promise<CasePage> {
  const conditions: Prisma.Sql[] = [
    Prisma.sql`"workspaceId" = ${workspaceId}`,
    Prisma.sql`"suiteId" = ${suiteId}`,
    Prisma.sql`"revision" = ${revision}`,
  ];
  const search = query.search.trim();
  if (search) {
    const pattern = `%${escapeLike(search)}%`;
    conditions.push(
      Prisma.sql`("caseId" ILIKE ${pattern} OR "expected" ILIKE ${pattern} OR "notes" ILIKE ${pattern} OR "input"::text ILIKE ${pattern})`,
    );
  }
  if (query.tag) conditions.push(Prisma.sql`${query.tag} = ANY("tags")`);
  const where = Prisma.join(conditions, ' AND ');
  const [countRows, tagRows] = await Promise.all([
    db.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM "SuiteCase" WHERE ${where}`,
    db.$queryRaw<{ tag: string }[]>`
      SELECT DISTINCT unnest("tags") AS tag FROM "SuiteCase"
      WHERE "workspaceId" = ${workspaceId} AND "suiteId" = ${suiteId} AND "revision" = ${revision}
      ORDER BY tag LIMIT 500`,
  ]);
  const total = Number(countRows[0]?.n ?? 0);
  const pageCount = Math.max(1, Math.ceil(total / CASES_PAGE_SIZE));
  const page = Math.min(query.page, pageCount);
  const rows = await db.$queryRaw<
    SuiteCaseDbRow[]
  >`SELECT "caseId", "position", "input", "expected", "tags", "notes" FROM "SuiteCase" WHERE ${where}
    ORDER BY "position" LIMIT ${CASES_PAGE_SIZE} OFFSET ${(page - 1) * CASES_PAGE_SIZE}`;
  const tags = tagRows.map((r) => r.tag);
  if (query.tag && !tags.includes(query.tag)) tags.push(query.tag);
  return {
    cases: rows.map(toCaseRow),
    total,
    page,
    pageCount,
    tags,
  };
}

/** The SuiteCase columns the cases table reads. */
interface SuiteCaseDbRow {
  caseId: string;
  position: number;
  input: unknown;
  expected: string | null;
  tags: string[];
  notes: string;
}

function toCaseRow(row: SuiteCaseDbRow): CaseRow {
  return {
    id: row.caseId,
    position: row.position,
    input: (row.input ?? {}) as Record<string, unknown>,
    expected: row.expected,
    tags: row.tags,
    notes: row.notes,
  };
}

export async function listSuiteRevisions(
  db: Db,
  workspaceId: string,
  suiteId: string,
): Promise<RevisionRow[]> {
  await getSuite(db, workspaceId, suiteId);
  const rows = await db.suiteRevision.findMany({
    where: { workspaceId, suiteId },
    orderBy: { revision: 'desc' },
    take: 500,
  });
  return rows.map((r) => ({
    revision: r.revision,
    author: r.author,
    message: r.message,
    caseCount: r.caseCount,
    evaluatorCount: Array.isArray(r.evaluators) ? r.evaluators.length : 0,
    createdAt: r.createdAt.toISOString(),
  }));
}

/** How many cases of a revision have no expected output (evaluators comparing with it cannot judge them). */
export async function countCasesWithoutExpected(
  db: Db,
  workspaceId: string,
  suiteId: string,
  revision: number,
): Promise<number> {
  return db.suiteCase.count({ where: { workspaceId, suiteId, revision, expected: null } });
}

/** Suites (not archived) aimed at a prompt, for the playground's "Save as test case". */
export async function listSuitesForPrompt(
  db: Db,
  workspaceId: string,
  promptId: string,
): Promise<{ id: string; name: string; revision: number }[]> {
  return db.suite.findMany({
    where: { workspaceId, promptId, archivedAt: null },
    orderBy: { updatedAt: 'desc' },
    select: { id: true, name: true, revision: true },
  });
}

/** The workspace's prompts (not archived) for the "target prompt" and "rubric prompt" selects. */
export async function listPromptOptions(db: PrismaClient, workspaceId: string): Promise<PromptOption[]> {
  const prompts = await db.prompt.findMany({
    where: { workspaceId, archivedAt: null },
    orderBy: { name: 'asc' },
    select: {
      id: true,
      slug: true,
      name: true,
      latestVersion: true,
      labels: { where: { label: 'production' } },
    },
    take: 1000,
  });
  const versions = await db.promptVersion.findMany({
    where: { OR: prompts.map((p) => ({ promptId: p.id, version: p.latestVersion })) },
    select: { promptId: true, variables: true },
  });
  const variables = new Map(
    versions.map((v) => [v.promptId, (v.variables as Variable[]).map((x) => x.name)]),
  );
  return prompts.map((p) => ({
    id: p.slug,
    name: p.name,
    latestVersion: p.latestVersion,
    productionVersion: p.labels[0]?.version ?? null,
    variables: variables.get(p.id) ?? [],
  }));
}

// ---------------------------------------------------------------------------
// Writes
// ---------------------------------------------------------------------------

async function insertCases(
  tx: Tx,
  workspaceId: string,
  suiteId: string,
  revision: number,
  startPosition: number,
  cases: readonly (ValidCase & { id: string })[],
) {
  for (let i = 0; i < cases.length; i += INSERT_BATCH) {
    const batch = cases.slice(i, i + INSERT_BATCH);
    await tx.suiteCase.createMany({
      data: batch.map((c, j) => ({
        workspaceId,
        suiteId,
        revision,
        caseId: c.id,
        position: startPosition + i + j,
        input: c.input as Prisma.InputJsonValue,
        expected: c.expected,
        tags: c.tags,
        notes: c.notes,
      })),
    });
  }
}

/** Fills in `case-N` ids past the highest generated id in `taken`. */
function assignIds<T extends { id?: string }>(cases: readonly T[], highest: number): (T & { id: string })[] {
  let next = highest;
  const used = new Set(cases.map((c) => c.id).filter((id): id is string => id !== undefined));
  return cases.map((c) => {
    if (c.id !== undefined) return { ...c, id: c.id };
    let id: string;
    do {
      next += 1;
      id = generatedCaseId(next);
    } while (used.has(id));
    used.add(id);
    return { ...c, id };
  });
}

function highestGeneratedId(ids: Iterable<string>): number {
  let highest = 0;
  for (const id of ids) {
    const match = /^case-(\d+)$/.exec(id);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest;
}

async function highestGeneratedIdIn(
  tx: Tx,
  workspaceId: string,
  suiteId: string,
  revision: number,
): Promise<number> {
  const rows = await tx.$queryRaw<{ n: number | null }[]>`
    SELECT max(substring("caseId" from '^case-([0-9]{1,9})$')::int) AS n FROM "SuiteCase"
    WHERE "workspaceId" = ${workspaceId} AND "suiteId" = ${suiteId} AND "revision" = ${revision}`;
  return rows[0]?.n ?? 0;
}

/** Validates case drafts against the prompt's variables, naming each problem at `cases.<i>.<field>`. */
function validateDrafts(
  variables: readonly Variable[],
  drafts: readonly z.output<typeof caseDraftSchema>[],
): ValidCase[] {
  const check = compileCaseInputCheck(variables);
  const issues: { path: string; message: string }[] = [];
  const seen = new Set<string>();
  const cases = drafts.map((draft, i) => {
    const checked = check(draft.input);
    if (!checked.ok) {
      for (const p of checked.problems)
        issues.push({ path: `cases.${i}.input.${p.column}`, message: p.message });
    }
    if (draft.id !== undefined) {
      if (seen.has(draft.id)) issues.push({ path: `cases.${i}.id`, message: `duplicate id "${draft.id}"` });
      seen.add(draft.id);
    }
    return {
      ...(draft.id !== undefined ? { id: draft.id } : {}),
      input: checked.ok ? checked.input : {},
      expected: draft.expected ?? null,
      tags: draft.tags,
      notes: draft.notes,
    };
  });
  if (issues.length > 0) {
    throw new LoomError(
      'INVALID_INPUT',
      `Not saved: ${issues.length === 1 ? 'a case needs' : 'cases need'} attention.`,
      { issues },
    );
  }
  return cases;
}

function usablePrompt(prompt: { archived: boolean }, promptId: string): void {
  if (prompt.archived) {
    throw new LoomError(
      'INVALID_INPUT',
      `Prompt "${promptId}" is archived: unarchive it or choose another prompt.`,
      {
        issues: [{ path: 'promptId', message: 'this prompt is archived' }],
      },
    );
  }
}

/** Creates a suite at revision 1 (default evaluator: exact match), with the given cases if any. */
export async function createSuite(
  db: PrismaClient,
  actor: Actor,
  raw: z.output<typeof createSuiteSchema>,
): Promise<{ id: string; revision: number }> {
  const { workspaceId } = actor;
  let prompt: Awaited<ReturnType<typeof loadPromptVariables>>;
  try {
    prompt = await loadPromptVariables(db, workspaceId, raw.promptId);
  } catch (error) {
    if (error instanceof LoomError && error.code === 'NOT_FOUND') {
      throw new LoomError('INVALID_INPUT', error.message, {
        issues: [{ path: 'promptId', message: 'no such prompt' }],
      });
    }
    throw error;
  }
  usablePrompt(prompt, raw.promptId);
  const evaluators =
    raw.evaluators === undefined
      ? DEFAULT_EVALUATORS
      : await checkEvaluators(db, workspaceId, raw.evaluators);
  const cases = assignIds(validateDrafts(prompt.variables, raw.cases ?? []), 0);
  const now = new Date();
  return db.$transaction(async (tx) => {
    const suite = await tx.suite.create({
      data: {
        workspaceId,
        name: raw.name,
        description: raw.description,
        promptId: raw.promptId,
        revision: 1,
        updatedAt: now,
        updatedBy: actor.email,
      },
    });
    await tx.suiteRevision.create({
      data: {
        workspaceId,
        suiteId: suite.id,
        revision: 1,
        evaluators: evaluators as Prisma.InputJsonValue,
        caseCount: cases.length,
        message: 'Created',
        author: actor.email,
        createdAt: now,
      },
    });
    await insertCases(tx, workspaceId, suite.id, 1, 0, cases);
    return { id: suite.id, revision: 1 };
  }, TRANSACTION_OPTIONS);
}

interface RevisionContext {
  tx: Tx;
  workspaceId: string;
  suiteId: string;
  promptId: string;
  /** The revision the edit started from, and the new one being written. */
  previous: number;
  revision: number;
}

interface RevisionChange {
  /** Copy the previous revision's cases before `apply` (false: start empty, as a replacing import). */
  copyCases: boolean;
  evaluators?: SuiteEvaluatorConfig[];
  name?: string;
  description?: string;
  message: string;
  apply?: (ctx: RevisionContext) => Promise<void>;
}

/**
 * Writes a new revision: locks the suite, refuses a stale `expectedRevision`, copies the previous
 * revision's cases with one INSERT ... SELECT, applies the change, and recounts. One transaction.
 */
export async function reviseSuite(
  db: PrismaClient,
  actor: Actor,
  suiteId: string,
  expectedRevision: number,
  change: RevisionChange,
): Promise<{ revision: number; caseCount: number }> {
  const { workspaceId } = actor;
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ revision: number; promptId: string }[]>`
      SELECT "revision", "promptId" FROM "Suite" WHERE "workspaceId" = ${workspaceId} AND "id" = ${suiteId} FOR UPDATE`;
    const current = locked[0];
    if (!current) throw notFound(suiteId);
    if (current.revision !== expectedRevision) {
      throw new LoomError(
        'CONFLICT',
        `This suite changed while you were editing: you started from revision ${expectedRevision}, and revision ${current.revision} is now the latest. Reload to see the change, then edit again.`,
        { latest: current.revision },
      );
    }
    const previous = current.revision;
    const revision = previous + 1;
    const before = await tx.suiteRevision.findUniqueOrThrow({
      where: { workspaceId_suiteId_revision: { workspaceId, suiteId, revision: previous } },
      select: { evaluators: true },
    });
    const now = new Date();
    await tx.suiteRevision.create({
      data: {
        workspaceId,
        suiteId,
        revision,
        evaluators: (change.evaluators ?? before.evaluators) as Prisma.InputJsonValue,
        caseCount: 0,
        message: change.message,
        author: actor.email,
        createdAt: now,
      },
    });
    if (change.copyCases) {
      await tx.$executeRaw`
        INSERT INTO "SuiteCase" ("workspaceId", "suiteId", "revision", "caseId", "position", "input", "expected", "tags", "notes")
        SELECT "workspaceId", "suiteId", ${revision}, "caseId", "position", "input", "expected", "tags", "notes"
        FROM "SuiteCase" WHERE "workspaceId" = ${workspaceId} AND "suiteId" = ${suiteId} AND "revision" = ${previous}`;
    }
    await change.apply?.({ tx, workspaceId, suiteId, promptId: current.promptId, previous, revision });
    const count = await tx.suiteCase.count({ where: { workspaceId, suiteId, revision } });
    if (count > MAX_SUITE_CASES) {
      throw new LoomError(
        'INVALID_INPUT',
        `Not saved: a suite holds at most ${MAX_SUITE_CASES.toLocaleString('en-US')} cases (this change would make ${count.toLocaleString('en-US')}).`,
      );
    }
    await tx.suiteRevision.update({
      where: { workspaceId_suiteId_revision: { workspaceId, suiteId, revision } },
      data: { caseCount: count },
    });
    await tx.suite.update({
      where: { workspaceId_id: { workspaceId, id: suiteId } },
      data: {
        revision,
        updatedAt: now,
        updatedBy: actor.email,
        ...(change.name !== undefined ? { name: change.name } : {}),
        ...(change.description !== undefined ? { description: change.description } : {}),
      },
    });
    return { revision, caseCount: count };
  }, TRANSACTION_OPTIONS);
}

async function suitePromptVariables(db: Db, workspaceId: string, suiteId: string): Promise<Variable[]> {
  const suite = await getSuite(db, workspaceId, suiteId);
  return (await loadPromptVariables(db, workspaceId, suite.promptId)).variables;
}

/**
 * Adds a case or changes one (`originalId`: the case being edited, whose id may change). The input
 * is checked against the target prompt's latest variables; problems come back at `case.<field>`.
 */
export async function saveSuiteCase(
  db: PrismaClient,
  actor: Actor,
  input: z.output<typeof saveCaseSchema>,
): Promise<{ revision: number; caseId: string }> {
  const variables = await suitePromptVariables(db, actor.workspaceId, input.suiteId);
  const checked = compileCaseInputCheck(variables)(input.case.input);
  if (!checked.ok) throw invalidCase(checked.problems, 'case.');
  const draft = input.case;
  let caseId = draft.id ?? input.originalId;
  const result = await reviseSuite(db, actor, input.suiteId, input.expectedRevision, {
    copyCases: true,
    message: input.message || (input.originalId ? `Edited case ${input.originalId}` : 'Added a case'),
    apply: async ({ tx, workspaceId, suiteId, revision }) => {
      const key = (id: string) => ({
        workspaceId_suiteId_revision_caseId: { workspaceId, suiteId, revision, caseId: id },
      });
      let position: number | undefined;
      if (input.originalId !== undefined) {
        const existing = await tx.suiteCase.findUnique({
          where: key(input.originalId),
          select: { position: true },
        });
        if (!existing) {
          throw new LoomError(
            'CONFLICT',
            `Case "${input.originalId}" is no longer in the suite. Reload the page.`,
          );
        }
        position = existing.position;
        await tx.suiteCase.delete({ where: key(input.originalId) });
      }
      if (caseId === undefined)
        caseId = generatedCaseId((await highestGeneratedIdIn(tx, workspaceId, suiteId, revision)) + 1);
      if (
        caseId !== input.originalId &&
        (await tx.suiteCase.findUnique({ where: key(caseId), select: { caseId: true } }))
      ) {
        throw new LoomError('INVALID_INPUT', `A case with id "${caseId}" already exists.`, {
          issues: [{ path: 'case.id', message: `id "${caseId}" is already used by another case` }],
        });
      }
      if (position === undefined) {
        const max = await tx.suiteCase.aggregate({
          where: { workspaceId, suiteId, revision },
          _max: { position: true },
        });
        position = (max._max.position ?? -1) + 1;
      }
      await tx.suiteCase.create({
        data: {
          workspaceId,
          suiteId,
          revision,
          caseId,
          position,
          input: checked.input as Prisma.InputJsonValue,
          expected: draft.expected ?? null,
          tags: draft.tags,
          notes: draft.notes,
        },
      });
    },
  });
  return { revision: result.revision, caseId: caseId ?? '' };
}

export async function deleteSuiteCases(
  db: PrismaClient,
  actor: Actor,
  input: z.output<typeof deleteCasesSchema>,
): Promise<{ revision: number; caseCount: number }> {
  const ids = [...new Set(input.caseIds)];
  return reviseSuite(db, actor, input.suiteId, input.expectedRevision, {
    copyCases: true,
    message: input.message || (ids.length === 1 ? `Deleted case ${ids[0]}` : `Deleted ${ids.length} cases`),
    apply: async ({ tx, workspaceId, suiteId, revision }) => {
      const deleted = await tx.suiteCase.deleteMany({
        where: { workspaceId, suiteId, revision, caseId: { in: ids } },
      });
      if (deleted.count !== ids.length) {
        throw new LoomError('CONFLICT', 'Some of these cases are no longer in the suite. Reload the page.');
      }
    },
  });
}

export async function saveSuiteEvaluators(
  db: PrismaClient,
  actor: Actor,
  input: z.output<typeof saveEvaluatorsSchema>,
): Promise<{ revision: number }> {
  const evaluators = await checkEvaluators(db, actor.workspaceId, input.evaluators);
  const result = await reviseSuite(db, actor, input.suiteId, input.expectedRevision, {
    copyCases: true,
    evaluators,
    message: input.message || 'Changed the evaluators',
  });
  return { revision: result.revision };
}

export async function renameSuite(
  db: PrismaClient,
  actor: Actor,
  input: z.output<typeof renameSuiteSchema>,
): Promise<{ revision: number }> {
  const result = await reviseSuite(db, actor, input.suiteId, input.expectedRevision, {
    copyCases: true,
    name: input.name,
    description: input.description,
    message: input.message || 'Renamed',
  });
  return { revision: result.revision };
}

/**
 * Adds already-validated cases (an import): `append` keeps the suite's cases and adds these after
 * them; `replace` starts the new revision from these alone. Ids are generated where missing.
 */
export async function addSuiteCases(
  db: PrismaClient,
  actor: Actor,
  input: {
    suiteId: string;
    expectedRevision: number;
    mode: 'append' | 'replace';
    cases: ValidCase[];
    message: string;
  },
): Promise<{ revision: number; caseCount: number }> {
  return reviseSuite(db, actor, input.suiteId, input.expectedRevision, {
    copyCases: input.mode === 'append',
    message: input.message,
    apply: async ({ tx, workspaceId, suiteId, revision }) => {
      let start = 0;
      let highest = highestGeneratedId(input.cases.map((c) => c.id ?? ''));
      if (input.mode === 'append') {
        const max = await tx.suiteCase.aggregate({
          where: { workspaceId, suiteId, revision },
          _max: { position: true },
        });
        start = (max._max.position ?? -1) + 1;
        highest = Math.max(highest, await highestGeneratedIdIn(tx, workspaceId, suiteId, revision));
        const given = input.cases.map((c) => c.id).filter((id): id is string => id !== undefined);
        if (given.length > 0) {
          const clash = await tx.suiteCase.findFirst({
            where: { workspaceId, suiteId, revision, caseId: { in: given } },
            select: { caseId: true },
          });
          if (clash)
            throw new LoomError('CONFLICT', `Case "${clash.caseId}" was added meanwhile. Import again.`);
        }
      }
      await insertCases(tx, workspaceId, suiteId, revision, start, assignIds(input.cases, highest));
    },
  });
}

/** Case ids of a revision (for an append import's duplicate check). */
export async function listCaseIds(
  db: Db,
  workspaceId: string,
  suiteId: string,
  revision: number,
): Promise<Set<string>> {
  const rows = await db.suiteCase.findMany({
    where: { workspaceId, suiteId, revision },
    select: { caseId: true },
  });
  return new Set(rows.map((r) => r.caseId));
}

import 'server-only';
import { Prisma, type PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError } from '@/lib/loom/core';
import {
  caseResultSchema,
  suiteRunRecordSchema,
  type SuiteRunRecord,
  type RunStore,
} from '@/lib/loom/evaluator';

function invalid(
  what: string,
  error: { issues: Array<{ path: PropertyKey[]; message: string }> },
): LoomError {
  return new LoomError('INVALID_INPUT', `Invalid ${what}`, {
    issues: error.issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message })),
  });
}

const runNotFound = (runId: string) => new LoomError('NOT_FOUND', `Run "${runId}" not found`, { runId });

type RunRow = Prisma.SuiteRunGetPayload<object>;

function toRunRecord(row: RunRow): SuiteRunRecord {
  // Rows are written only from validated records; parsing again restores the exact shape (and
  // drops nothing a newer schema added defaults for).
  return suiteRunRecordSchema.parse({
    id: row.id,
    suiteId: row.suiteId,
    status: row.status,
    startedAt: row.startedAt,
    ...(row.finishedAt === null ? {} : { finishedAt: row.finishedAt }),
    ...(row.summary === null ? {} : { summary: row.summary }),
  });
}

/**
 * The PostgreSQL RunStore of one workspace, so an interrupted suite run resumes on any instance.
 * Case results are JSON rows keyed by (run, case): saving one again replaces its result in place and
 * keeps its first-save position; they cascade away with their run.
 */
export function createPrismaRunStore(db: PrismaClient, workspaceId: string): RunStore {
  async function findRun(runId: string): Promise<SuiteRunRecord | undefined> {
    const row = await db.suiteRun.findUnique({ where: { workspaceId_id: { workspaceId, id: runId } } });
    return row === null ? undefined : toRunRecord(row);
  }

  return {
    findRun,

    async getRun(runId) {
      const found = await findRun(runId);
      if (!found) throw runNotFound(runId);
      return found;
    },

    async listRuns(options = {}) {
      const rows = await db.suiteRun.findMany({
        where: { workspaceId, ...(options.suiteId === undefined ? {} : { suiteId: options.suiteId }) },
        orderBy: [{ startedAt: 'asc' }, { id: 'asc' }],
      });
      return rows.map(toRunRecord);
    },

    async saveRun(input) {
      const parsed = suiteRunRecordSchema.safeParse(input);
      if (!parsed.success) throw invalid('run', parsed.error);
      const run = parsed.data;
      const data = {
        suiteId: run.suiteId,
        status: run.status,
        startedAt: run.startedAt,
        finishedAt: run.finishedAt ?? null,
        summary: run.summary === undefined ? Prisma.DbNull : (run.summary as Prisma.InputJsonValue),
      };
      await db.suiteRun.upsert({
        where: { workspaceId_id: { workspaceId, id: run.id } },
        create: { workspaceId, id: run.id, ...data },
        update: data,
      });
    },

    async saveCaseResult(runId, input) {
      const parsed = caseResultSchema.safeParse(input);
      if (!parsed.success) throw invalid('case result', parsed.error);
      const result = parsed.data;
      // One statement: it inserts only when the run exists, and a resave keeps the row's seq. The
      // verdict, error flag and tags are copied to columns so case tables filter without JSON; a
      // resave is a new finish (finishedAt, which progress and its lag are measured by).
      const written = await db.$executeRaw`
        INSERT INTO "SuiteCaseResult" ("workspaceId", "runId", "caseId", "result", "pass", "errored", "tags")
        SELECT ${workspaceId}, r."id", ${result.caseId}, ${JSON.stringify(result)}::jsonb,
          ${result.pass}, ${result.error !== undefined}, ${result.tags}::text[]
        FROM "SuiteRun" r WHERE r."workspaceId" = ${workspaceId} AND r."id" = ${runId}
        ON CONFLICT ("workspaceId", "runId", "caseId") DO UPDATE SET "result" = EXCLUDED."result",
          "pass" = EXCLUDED."pass", "errored" = EXCLUDED."errored", "tags" = EXCLUDED."tags",
          "finishedAt" = now()`;
      if (written === 0) throw runNotFound(runId);
    },

    async listCaseResults(runId) {
      const rows = await db.suiteCaseResult.findMany({
        where: { workspaceId, runId },
        orderBy: { seq: 'asc' },
        select: { result: true },
      });
      return rows.map((row) => caseResultSchema.parse(row.result));
    },

    async deleteRun(runId) {
      await db.suiteRun.deleteMany({ where: { workspaceId, id: runId } });
    },
  };
}

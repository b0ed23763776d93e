import 'server-only';
import type { JudgeAgreementView } from '@/components/suites/run/types';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { cohensKappa, MIN_PAIRS_FOR_KAPPA, readKappa } from '@/lib/loom/evaluator';
import { parseJudges } from './run-page-judges';

// Whether a suite's LLM judge can be trusted: over every run of the suite, each reviewed case's
// judge verdict is paired with the reviewer's, per judge (its rubric prompt), and Cohen's kappa is
// reported with its counts.

interface PairRow {
  runId: string;
  revision: number;
  judge: Prisma.JsonValue | null;
  name: string;
  judgePass: boolean;
  reviewerPass: boolean;
}

interface EvaluatorRef {
  kind?: unknown;
  name?: unknown;
  rubricPromptId?: unknown;
}

/** The result key of each evaluator of a revision, as loom names them (evaluatorNameOf). */
function judgeRubrics(evaluators: unknown): Map<string, string> {
  const list = (Array.isArray(evaluators) ? evaluators : []) as EvaluatorRef[];
  const map = new Map<string, string>();
  list.forEach((config, index) => {
    if (config?.kind !== 'llmJudge' || typeof config.rubricPromptId !== 'string') return;
    const sameKind = list.filter((c) => c?.kind === 'llmJudge' && !c.name).length;
    const name =
      typeof config.name === 'string' && config.name
        ? config.name
        : sameKind > 1
          ? `llmJudge#${index}`
          : 'llmJudge';
    map.set(name, config.rubricPromptId);
  });
  return map;
}

/**
 * Judge-vs-reviewer agreement for each judge of a suite, across all its runs. A judge evaluation
 * that errored has no verdict and is left out. Judges are told apart by their rubric prompt (from
 * the suite revision the run used, else the run's judge snapshot, else the evaluator's name).
 */
export async function loadJudgeAgreement(
  db: PrismaClient,
  workspaceId: string,
  suiteId: string,
): Promise<JudgeAgreementView[]> {
  const pairs = await db.$queryRaw<PairRow[]>`
    SELECT er."id" AS "runId", er."suiteRevision" AS revision,
      er."judge" AS "judge",
      COALESCE(e->>'name', 'llmJudge') AS name, (e->>'pass')::boolean AS "judgePass", rv."pass" AS "reviewerPass"
    FROM "CaseReview" rv
    JOIN "EvalRun" er ON er."workspaceId" = rv."workspaceId" AND er."id" = rv."runId"
    JOIN "SuiteCaseResult" r
      ON r."workspaceId" = rv."workspaceId" AND r."runId" = rv."runId" AND r."caseId" = rv."caseId"
    CROSS JOIN LATERAL jsonb_array_elements(
      CASE WHEN jsonb_typeof(r."result"->'evaluations') = 'array' THEN r."result"->'evaluations' ELSE '[]'::jsonb END) e
    WHERE rv."workspaceId" = ${workspaceId} AND er."suiteId" = ${suiteId}
      AND e->>'kind' = 'llmJudge' AND e->'error' IS NULL AND jsonb_typeof(e->'pass') = 'boolean'`;
  if (pairs.length === 0) return [];
  const revisions = [...new Set(pairs.map((p) => p.revision))];
  const rows = await db.suiteRevision.findMany({
    where: { workspaceId, suiteId, revision: { in: revisions } },
    select: { revision: true, evaluators: true },
  });
  const rubricsByRevision = new Map(rows.map((r) => [r.revision, judgeRubrics(r.evaluators)]));
  const groups = new Map<
    string,
    { names: Set<string>; runs: Set<string>; pairs: { a: boolean; b: boolean }[] }
  >();
  for (const pair of pairs) {
    const judges = parseJudges(pair.judge);
    const key =
      judges.find((j) => j.evaluator === pair.name)?.promptId ??
      rubricsByRevision.get(pair.revision)?.get(pair.name) ??
      (judges.length === 1 ? judges[0]?.promptId : undefined) ??
      pair.name;
    const group = groups.get(key) ?? { names: new Set(), runs: new Set(), pairs: [] };
    group.names.add(pair.name);
    group.runs.add(pair.runId);
    group.pairs.push({ a: pair.judgePass, b: pair.reviewerPass });
    groups.set(key, group);
  }
  return [...groups.entries()]
    .map(([rubricPromptId, group]) => {
      const result = cohensKappa(group.pairs);
      return {
        rubricPromptId,
        evaluatorNames: [...group.names].sort(),
        n: result.n,
        agree: result.agree,
        disagree: result.disagree,
        table: result.table,
        kappa: result.kappa ?? null,
        undefinedReason: result.undefinedReason ?? null,
        reading: result.kappa === undefined ? null : readKappa(result.kappa),
        needsMoreReviews: result.n < MIN_PAIRS_FOR_KAPPA,
        runs: group.runs.size,
      };
    })
    .sort((a, b) => a.rubricPromptId.localeCompare(b.rubricPromptId));
}

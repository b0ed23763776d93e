import 'server-only';
import type { z } from 'zod';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError, type LoomIssue, type Variable } from '@/lib/loom/core';
import { compileEvaluators, evaluatorNameOf, type EvaluatorConfig, type Suite } from '@/lib/loom/evaluator';
import {
  JUDGE_REQUIRED_VARIABLES,
  suiteEvaluatorsSchema,
  type JudgeEvaluatorConfig,
  type SuiteEvaluatorConfig,
} from './evaluator-config';

// The checks a suite's evaluators pass before they are saved, and the rubric rule from the prompt's
// side: a prompt that a suite uses as its judge rubric must keep declaring `input` and `actual`.

type Db = PrismaClient | Prisma.TransactionClient;

function zodIssues(error: z.ZodError): LoomIssue[] {
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          path: ['evaluators', ...issue.path, key].join('.'),
          message: `unknown field "${key}"`,
        }))
      : [{ path: ['evaluators', ...issue.path].join('.'), message: plain(issue) }],
  );
}

function plain(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_union' && issue.path.at(-1) === 'kind') return 'unknown evaluator kind';
  return issue.message;
}

/** The variables a rubric version lacks, of those a judge needs. */
export function missingRubricVariables(variableNames: readonly string[]): string[] {
  return JUDGE_REQUIRED_VARIABLES.filter((name) => !variableNames.includes(name));
}

async function rubricIssues(
  db: Db,
  workspaceId: string,
  judge: JudgeEvaluatorConfig,
  path: string,
): Promise<LoomIssue[]> {
  const prompt = await db.prompt.findUnique({
    where: { workspaceId_slug: { workspaceId, slug: judge.rubricPromptId } },
    select: { id: true, archivedAt: true, labels: { where: { label: 'production' } } },
  });
  if (!prompt) {
    return [
      {
        path: `${path}.rubricPromptId`,
        message: `the rubric prompt "${judge.rubricPromptId}" does not exist`,
      },
    ];
  }
  if (prompt.archivedAt !== null) {
    return [
      { path: `${path}.rubricPromptId`, message: `the rubric prompt "${judge.rubricPromptId}" is archived` },
    ];
  }
  let version: number;
  if (judge.rubricVersion === 'production') {
    const production = prompt.labels[0]?.version;
    if (production === undefined) {
      return [
        {
          path: `${path}.rubricVersion`,
          message: `the rubric prompt "${judge.rubricPromptId}" has no production version yet: promote one, or choose a version number`,
        },
      ];
    }
    version = production;
  } else version = judge.rubricVersion;
  const row = await db.promptVersion.findUnique({
    where: { promptId_version: { promptId: prompt.id, version } },
    select: { variables: true },
  });
  if (!row) {
    return [
      {
        path: `${path}.rubricVersion`,
        message: `the rubric prompt "${judge.rubricPromptId}" has no version ${version}`,
      },
    ];
  }
  const missing = missingRubricVariables((row.variables as Variable[]).map((v) => v.name));
  if (missing.length === 0) return [];
  return [
    {
      path: `${path}.rubricPromptId`,
      message: `the rubric "${judge.rubricPromptId}" v${version} does not declare the variable${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(' and ')}: a judge rubric needs "input" and "actual" (and may use "expected")`,
    },
  ];
}

/**
 * Validates a suite's evaluators whole and returns them with defaults filled in, or throws
 * INVALID_INPUT with every problem at `evaluators.<i>.<field>`: wrong shapes, bad regexes and JSON
 * Schemas (compiled by loom as a run would), duplicate names, and judge rubrics that are missing
 * or lack the variables a judge fills in.
 */
export async function checkEvaluators(
  db: Db,
  workspaceId: string,
  raw: unknown,
): Promise<SuiteEvaluatorConfig[]> {
  const parsed = suiteEvaluatorsSchema.safeParse(raw);
  if (!parsed.success) throw invalid(zodIssues(parsed.error));
  const evaluators = parsed.data;
  const issues: LoomIssue[] = [];
  // Loom names evaluators by kind; the studio's judge shares loom's naming rule.
  const asLoom = evaluators as unknown as EvaluatorConfig[];
  const names = new Map<string, number>();
  for (const [i, config] of evaluators.entries()) {
    const name = evaluatorNameOf(asLoom[i] as EvaluatorConfig, i, asLoom);
    const first = names.get(name);
    if (first !== undefined) {
      issues.push({
        path: `evaluators.${i}.name`,
        message: `duplicate name "${name}" (also evaluator ${first + 1}): give each a unique name`,
      });
    } else names.set(name, i);
    if (config.kind === 'llmJudge') {
      issues.push(...(await rubricIssues(db, workspaceId, config, `evaluators.${i}`)));
      continue;
    }
    try {
      compileEvaluators({ id: 'check', name: 'check', cases: [], evaluators: [config] } as unknown as Suite);
    } catch (error) {
      if (!(error instanceof LoomError)) throw error;
      for (const issue of error.details.issues ?? [{ message: error.message }]) {
        issues.push({
          ...issue,
          path: (issue.path ?? 'evaluators.0').replace(/^evaluators\.0/, `evaluators.${i}`),
        });
      }
    }
  }
  if (issues.length > 0) throw invalid(issues);
  return evaluators;
}

function invalid(issues: LoomIssue[]): LoomError {
  const count = new Set(issues.map((i) => i.path)).size;
  return new LoomError(
    'INVALID_INPUT',
    `Not saved: ${count === 1 ? 'one field needs' : `${count} fields need`} attention: ${issues.map((i) => i.message).join('; ')}`,
    { issues },
  );
}

/** Names of the suites (latest revision, not archived) whose judge uses `promptId` as its rubric. */
export async function suitesUsingRubric(db: Db, workspaceId: string, promptId: string): Promise<string[]> {
  const needle = JSON.stringify([{ kind: 'llmJudge', rubricPromptId: promptId }]);
  const rows = await db.$queryRaw<{ name: string }[]>`
    SELECT s."name" FROM "Suite" s
    JOIN "SuiteRevision" r ON r."workspaceId" = s."workspaceId" AND r."suiteId" = s."id" AND r."revision" = s."revision"
    WHERE s."workspaceId" = ${workspaceId} AND s."archivedAt" IS NULL AND r."evaluators" @> ${needle}::jsonb
    ORDER BY s."name" LIMIT 20`;
  return rows.map((r) => r.name);
}

/**
 * The prompt side of the rubric rule, for the editor's save: a new version of a prompt that a suite
 * uses as its judge rubric must declare `input` and `actual`; otherwise INVALID_INPUT at `variables`.
 */
export async function assertRubricDraft(
  db: Db,
  workspaceId: string,
  promptId: string,
  draft: unknown,
): Promise<void> {
  const variables = (draft as { variables?: unknown } | null)?.variables;
  const names = Array.isArray(variables)
    ? variables
        .map((v) => (v as { name?: unknown } | null)?.name)
        .filter((n): n is string => typeof n === 'string')
    : [];
  const missing = missingRubricVariables(names);
  if (missing.length === 0) return;
  const suites = await suitesUsingRubric(db, workspaceId, promptId);
  if (suites.length === 0) return;
  const list = missing.map((m) => `"${m}"`).join(' and ');
  const message = `This prompt is the judge rubric of ${suites.length === 1 ? 'the suite' : 'the suites'} ${suites.map((s) => `"${s}"`).join(', ')}: every version must declare the variables "input" and "actual", and this one lacks ${list}.`;
  throw new LoomError('INVALID_INPUT', `Not saved. ${message}`, { issues: [{ path: 'variables', message }] });
}

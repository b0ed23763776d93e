import 'server-only';
import { z } from 'zod';
import type { CaseReviewView, RunSummaryView } from '@/components/suites/run/types';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError } from '@/lib/loom/core';
import type { Viewer } from '../auth/session';
import { computeRunSummary, FINISHED_STATUSES, getEvalRun, toStoredSummary } from './run-page';
import { auditSuiteRun } from './run-audit';

// Human review of a run's cases: a reviewer's pass/fail replaces the automated verdict in the
// run's totals (CaseReview), and pairs with the judge's verdict for the judge-agreement figures.

/** Enough for a paragraph of rationale; a review is a note, not a report. */
export const MAX_REVIEW_REASON = 2000;

export const reviewCaseSchema = z.object({
  runId: z.string().min(1).max(200),
  caseId: z.string().min(1).max(200),
  /** null clears the review: the automated verdict counts again. */
  verdict: z.enum(['pass', 'fail']).nullable(),
  reason: z
    .string()
    .trim()
    .max(MAX_REVIEW_REASON, `Keep the reason under ${MAX_REVIEW_REASON} characters.`)
    .default(''),
});

const verdictOf = (pass: boolean) => (pass ? 'pass' : 'fail');

export interface ReviewCaseResult {
  review: CaseReviewView | null;
  summary: RunSummaryView;
}

/**
 * Sets, replaces or clears a reviewer's verdict on one case of a finished run, in one transaction
 * with the run's stored summary (EvalRun.summary, reviews applied). A verdict that differs from the
 * automated one needs a reason. NOT_FOUND for a run or case outside the viewer's workspace;
 * CONFLICT while the run is still going. Audited in the same transaction (clearing no review is
 * no change and is not).
 */
export async function reviewCase(
  db: PrismaClient,
  viewer: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  input: z.output<typeof reviewCaseSchema>,
): Promise<ReviewCaseResult> {
  const { workspaceId } = viewer;
  const { runId, caseId, verdict, reason } = input;
  return db.$transaction(async (tx) => {
    // One review at a time per run, so each stored summary includes every committed review.
    await tx.$queryRaw`SELECT 1 FROM "EvalRun" WHERE "workspaceId" = ${workspaceId} AND "id" = ${runId} FOR UPDATE`;
    const run = await getEvalRun(tx, workspaceId, runId);
    if (!(FINISHED_STATUSES as readonly string[]).includes(run.status)) {
      throw new LoomError('CONFLICT', 'Cases can be reviewed once the run has finished.', {
        runId,
        status: run.status,
      });
    }
    const result = await tx.suiteCaseResult.findUnique({
      where: { workspaceId_runId_caseId: { workspaceId, runId, caseId } },
      select: { pass: true },
    });
    if (!result) throw new LoomError('NOT_FOUND', `Case "${caseId}" has no result in this run.`, { caseId });
    const previous = await tx.caseReview.findUnique({
      where: { workspaceId_runId_caseId: { workspaceId, runId, caseId } },
      select: { pass: true },
    });
    let review: CaseReviewView | null = null;
    if (verdict === null) {
      await tx.caseReview.deleteMany({ where: { workspaceId, runId, caseId } });
    } else {
      const pass = verdict === 'pass';
      if (pass !== result.pass && reason === '') {
        throw new LoomError('INVALID_INPUT', 'Say why you override the automated verdict.', {
          issues: [
            {
              path: 'reason',
              message: 'A reason is required when your verdict differs from the automated one.',
            },
          ],
        });
      }
      const data = {
        pass,
        reason,
        reviewerId: viewer.userId,
        reviewerEmail: viewer.email,
        createdAt: new Date(),
      };
      const row = await tx.caseReview.upsert({
        where: { workspaceId_runId_caseId: { workspaceId, runId, caseId } },
        create: { workspaceId, runId, caseId, ...data },
        update: data,
      });
      review = {
        pass: row.pass,
        reason: row.reason,
        reviewerEmail: row.reviewerEmail,
        createdAt: row.createdAt.toISOString(),
      };
    }
    if (previous || verdict !== null) {
      await auditSuiteRun(
        tx,
        viewer,
        'suite_run.review',
        { ...run, id: runId },
        {
          caseId,
          automated: verdictOf(result.pass),
          from: previous ? verdictOf(previous.pass) : null,
          to: verdict,
          ...(verdict !== null && reason !== '' ? { reason } : {}),
        },
      );
    }
    const summary = await computeRunSummary(tx, workspaceId, runId);
    await tx.evalRun.update({
      where: { workspaceId_id: { workspaceId, id: runId } },
      data: { summary: toStoredSummary(summary) as unknown as Prisma.InputJsonValue },
    });
    return { review, summary };
  });
}

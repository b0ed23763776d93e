import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { cache, Suspense } from 'react';
import { RunProgress } from '@/components/suites/run-progress';
import { CaseTable } from '@/components/suites/run/case-table';
import { JudgeAgreement, RunHeader, RunStats } from '@/components/suites/run/run-summary';
import { isLoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { FINISHED_STATUSES, loadRunPage } from '@/lib/server/suites/run-page';
import { reviewCaseAction } from './actions';

type Params = Promise<{ id: string; runId: string }>;

const load = cache(async (suiteId: string, runId: string) => {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  try {
    return { viewer, ...(await loadRunPage(await getPrisma(), viewer.workspaceId, suiteId, runId)) };
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) notFound();
    throw error;
  }
});

export async function generateMetadata({ params }: { params: Params }): Promise<Metadata> {
  const { id, runId } = await params;
  const { run } = await load(decodeURIComponent(id), decodeURIComponent(runId));
  return { title: `Run of ${run.suiteName} · v${run.promptVersion}` };
}

export default async function RunPage({ params }: { params: Params }) {
  const { id, runId } = await params;
  const { viewer, run, summary, agreement, tags } = await load(
    decodeURIComponent(id),
    decodeURIComponent(runId),
  );
  const isFinished = (FINISHED_STATUSES as readonly string[]).includes(run.status);
  const hasJudge = run.judges.length > 0 || summary.judgeScore !== null;
  return (
    <div className="max-w-7xl space-y-6">
      <RunHeader run={run} />
      {isFinished ? null : (
        <RunProgress
          runId={run.id}
          suiteId={run.suiteId}
          initialStatus={run.status}
          canCancel={can(viewer.role, 'write')}
        />
      )}
      <RunStats run={run} summary={summary} />
      <JudgeAgreement agreement={agreement} hasJudge={hasJudge} />
      {/* useSearchParams (the open case) needs a Suspense boundary in a server-rendered page. */}
      <Suspense>
        <CaseTable
          runId={run.id}
          tags={tags}
          hasJudge={hasJudge}
          canReview={can(viewer.role, 'write')}
          isFinished={isFinished}
          review={reviewCaseAction}
        />
      </Suspense>
    </div>
  );
}

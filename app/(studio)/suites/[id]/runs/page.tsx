import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { RunsList } from '@/components/suites/runs-list';
import { StartRunForm } from '@/components/suites/start-run-form';
import { Card } from '@/components/ui/card';
import { isLoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getRegistry } from '@/lib/server/loom';
import { loadRunsTab } from '@/lib/server/suites/runs-list';
import { startRunsAction } from './actions';

export const metadata: Metadata = { title: 'Runs' };

export default async function SuiteRunsPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const { id } = await params;
  const data = await loadRunsTab(
    await getPrisma(),
    await getRegistry(viewer),
    viewer.workspaceId,
    decodeURIComponent(id),
  ).catch((error: unknown) => {
    if (isLoomError(error, 'NOT_FOUND')) notFound();
    throw error;
  });
  const canWrite = can(viewer.role, 'write');
  const { suite } = data;
  return (
    <div className="max-w-6xl space-y-6">
      {canWrite && !suite.archived ? (
        <Card title="Start a run">
          {suite.caseCount === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              This suite has no cases yet. Add cases on the Cases tab, then start a run here.
            </p>
          ) : (
            <StartRunForm
              suiteId={suite.id}
              versions={data.versions}
              providers={data.providers}
              startRuns={startRunsAction}
            />
          )}
        </Card>
      ) : null}
      {suite.archived ? (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          This suite is archived: its runs stay readable.
        </p>
      ) : null}
      <section className="space-y-3" aria-labelledby="runs-heading">
        <h2 id="runs-heading" className="text-lg font-semibold">
          Runs
        </h2>
        {data.runs.length === 0 && !canWrite ? (
          <p className="rounded-lg border border-dashed border-zinc-300 p-6 text-center text-sm text-zinc-600 dark:border-zinc-700 dark:text-zinc-400">
            No runs yet. An editor can start one from this tab.
          </p>
        ) : (
          <RunsList suiteId={suite.id} runs={data.runs} />
        )}
      </section>
    </div>
  );
}

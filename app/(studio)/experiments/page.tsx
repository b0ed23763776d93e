import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { ExperimentsList } from '@/components/experiments/experiments-list';
import { PageHeader } from '@/components/ui/page-header';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { listExperiments } from '@/lib/server/experiments/setup';

export const metadata: Metadata = { title: 'Experiments' };

export default async function ExperimentsPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const experiments = await listExperiments(await getPrisma(), viewer.workspaceId);
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title="Experiments"
        description="A/B tests of prompt versions on live traffic, running first."
      />
      <ExperimentsList
        experiments={experiments}
        showPrompt
        empty={
          <>
            Open a prompt and use its{' '}
            <Link href="/prompts" className="font-medium underline">
              Experiments tab
            </Link>{' '}
            to test two of its versions against each other on real traffic.
          </>
        }
      />
    </div>
  );
}

import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { SuitesList } from '@/components/suites/suites-list';
import { buttonClasses } from '@/components/ui/button';
import { PageHeader } from '@/components/ui/page-header';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { listSuites } from '@/lib/server/suites/suites';

export const metadata: Metadata = { title: 'Suites' };

export default async function SuitesPage() {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const suites = await listSuites(await getPrisma(), viewer.workspaceId);
  const canWrite = can(viewer.role, 'write');
  return (
    <div className="max-w-6xl space-y-6">
      <PageHeader
        title="Suites"
        description="Test cases for a prompt, and the evaluators that decide whether a version passes them."
        actions={
          canWrite && suites.length > 0 ? (
            <Link href="/suites/new" className={buttonClasses('primary')}>
              New suite
            </Link>
          ) : null
        }
      />
      <SuitesList suites={suites} canWrite={canWrite} now={new Date().toISOString()} />
    </div>
  );
}

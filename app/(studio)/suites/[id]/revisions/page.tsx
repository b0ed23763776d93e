import { RevisionsList } from '@/components/suites/revisions-list';
import { getBlobStore } from '@/lib/server/loom';
import { listImportSources } from '@/lib/server/suites/case-files';
import { listSuiteRevisions } from '@/lib/server/suites/suites';
import { loadSuitePage, suitePageMetadata } from '@/lib/server/suites/suites-page';

export const generateMetadata = suitePageMetadata('Revisions');

export default async function SuiteRevisionsPage({ params }: { params: Promise<{ id: string }> }) {
  const { suite, prisma, viewer } = await loadSuitePage(decodeURIComponent((await params).id));
  const [revisions, sources] = await Promise.all([
    listSuiteRevisions(prisma, viewer.workspaceId, suite.id),
    listImportSources(getBlobStore(), viewer.workspaceId, suite.id),
  ]);
  return (
    <div className="space-y-3">
      <p className="text-sm text-zinc-600 dark:text-zinc-400">
        Every edit makes a new revision; a run records the one it used. Open an older revision to read its
        cases.
      </p>
      <RevisionsList
        suiteId={suite.id}
        latest={suite.revision}
        revisions={revisions}
        importedRevisions={[...sources.keys()]}
        now={new Date().toISOString()}
      />
    </div>
  );
}

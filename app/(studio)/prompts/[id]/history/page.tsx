import { AuditLog } from '@/components/prompts/audit-log';
import { VersionHistory } from '@/components/prompts/version-history';
import { Card } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getPrisma } from '@/lib/server/db';
import { loadPromptPage, promptPageMetadata } from '@/lib/server/prompts/prompt-page';
import { loadHistory } from '@/lib/server/prompts/prompt-history';
import { promoteVersionAction, removeLabelAction, setLabelAction } from './actions';

export const generateMetadata = promptPageMetadata('History');

export default async function PromptHistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { viewer, registry, summary } = await loadPromptPage(decodeURIComponent(id));
  const history = await loadHistory(await getPrisma(), registry, viewer.workspaceId, summary.id);
  const now = new Date().toISOString();
  return (
    <div className="max-w-6xl space-y-6">
      <VersionHistory
        // A new version or label elsewhere re-keys the component, so its selections start fresh.
        key={`${summary.latestVersion}`}
        promptId={summary.id}
        versions={history.versions}
        now={now}
        canPromote={can(viewer.role, 'promote')}
        canWrite={can(viewer.role, 'write')}
        promote={promoteVersionAction}
        setLabel={setLabelAction}
        removeLabel={removeLabelAction}
      />
      <Card title="Audit log">
        <AuditLog entries={history.audit} now={now} />
      </Card>
    </div>
  );
}

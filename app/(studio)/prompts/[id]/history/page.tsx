import { AuditLog } from '@/components/prompts/audit-log';
import { ReleaseGate } from '@/components/prompts/release-gate';
import { VersionHistory } from '@/components/prompts/version-history';
import { Card } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getPrisma } from '@/lib/server/db';
import { loadPromptPage, promptPageMetadata } from '@/lib/server/prompts/prompt-page';
import { loadHistory } from '@/lib/server/prompts/prompt-history';
import { findGate, listGateSuites } from '@/lib/server/suites/gate';
import { promoteVersionAction, removeLabelAction, saveGateAction, setLabelAction } from './actions';

export const generateMetadata = promptPageMetadata('History');

export default async function PromptHistoryPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { viewer, registry, summary } = await loadPromptPage(decodeURIComponent(id));
  const prisma = await getPrisma();
  const canManage = can(viewer.role, 'manage');
  const [history, gate, suites] = await Promise.all([
    loadHistory(prisma, registry, viewer.workspaceId, summary.id),
    findGate(prisma, viewer.workspaceId, summary.id),
    canManage ? listGateSuites(prisma, viewer.workspaceId, summary.id) : Promise.resolve([]),
  ]);
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
        canOverride={canManage}
        promote={promoteVersionAction}
        setLabel={setLabelAction}
        removeLabel={removeLabelAction}
        gate={
          <Card title="Release gate">
            <ReleaseGate
              promptId={summary.id}
              gate={gate}
              suites={suites}
              canManage={canManage}
              save={saveGateAction}
            />
          </Card>
        }
      />
      <Card title="Audit log">
        <AuditLog entries={history.audit} now={now} />
      </Card>
    </div>
  );
}

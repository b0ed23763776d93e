import { ExperimentsList } from '@/components/experiments/experiments-list';
import { ExperimentSetupForm } from '@/components/experiments/setup-form';
import { Card } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getPrisma } from '@/lib/server/db';
import { listExperiments } from '@/lib/server/experiments/setup';
import { loadPromptPage, promptPageMetadata } from '@/lib/server/prompts/prompt-page';
import { createExperimentAction } from '../../../experiments/actions';

export const generateMetadata = promptPageMetadata('Experiments');

export default async function PromptExperimentsPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { viewer, registry, summary } = await loadPromptPage(decodeURIComponent(id));
  const [experiments, versions] = await Promise.all([
    listExperiments(await getPrisma(), viewer.workspaceId, { promptId: summary.id }),
    registry.listVersions(summary.id),
  ]);
  const options = {
    versions: [...versions]
      .sort((a, b) => b.version - a.version)
      .map((v) => ({ version: v.version, labels: v.labels, createdAt: v.createdAt.toISOString() })),
    production: versions.find((v) => v.labels.includes('production'))?.version ?? null,
  };
  const canWrite = can(viewer.role, 'write');
  return (
    <div className="max-w-6xl space-y-6">
      <ExperimentsList
        experiments={experiments}
        showPrompt={false}
        empty={
          canWrite
            ? 'Set one up below: serve two versions to live traffic and let the numbers say which is better.'
            : 'An editor or admin can set one up.'
        }
      />
      {canWrite ? (
        <Card title="New experiment">
          <ExperimentSetupForm
            promptId={summary.id}
            options={options}
            canManage={can(viewer.role, 'manage')}
            createExperiment={createExperimentAction}
          />
        </Card>
      ) : null}
    </div>
  );
}

import { EvaluatorsEditor } from '@/components/suites/evaluators-editor';
import type { EvaluatorDraft } from '@/components/suites/types';
import { listProviderConfigs } from '@/lib/server/providers';
import { countCasesWithoutExpected, getSuiteRevision, listPromptOptions } from '@/lib/server/suites/suites';
import { loadSuitePage, suitePageMetadata } from '@/lib/server/suites/suites-page';
import { saveEvaluatorsAction } from './actions';

export const generateMetadata = suitePageMetadata('Evaluators');

export default async function SuiteEvaluatorsPage({ params }: { params: Promise<{ id: string }> }) {
  const { suite, prisma, viewer, canWrite } = await loadSuitePage(decodeURIComponent((await params).id));
  const [revision, prompts, providers, withoutExpected] = await Promise.all([
    getSuiteRevision(prisma, viewer.workspaceId, suite.id, suite.revision),
    listPromptOptions(prisma, viewer.workspaceId),
    listProviderConfigs(prisma, viewer.workspaceId),
    countCasesWithoutExpected(prisma, viewer.workspaceId, suite.id, suite.revision),
  ]);
  return (
    <div className="max-w-3xl">
      <EvaluatorsEditor
        suiteId={suite.id}
        revision={revision.revision}
        initial={revision.evaluators as EvaluatorDraft[]}
        prompts={prompts}
        providers={providers.map((p) => p.name)}
        casesWithoutExpected={withoutExpected}
        canWrite={canWrite}
        saveEvaluators={saveEvaluatorsAction}
      />
    </div>
  );
}

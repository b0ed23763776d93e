import { Playground } from '@/components/playground/playground';
import { can } from '@/lib/server/auth/permissions';
import { getPrisma } from '@/lib/server/db';
import { loadPromptPage, promptPageMetadata } from '@/lib/server/prompts/prompt-page';
import { listProviderConfigs } from '@/lib/server/providers';
import { listSuitesForPrompt } from '@/lib/server/suites/suites';
import { saveTestCaseAction } from '../../../suites/[id]/actions';

export const generateMetadata = promptPageMetadata('Playground');

export default async function PlaygroundPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<{ version?: string }>;
}) {
  const { id } = await params;
  const { viewer, registry, latest } = await loadPromptPage(decodeURIComponent(id));
  const asked = Number((await searchParams).version);
  const canWrite = can(viewer.role, 'write');
  const [versions, configs, suites] = await Promise.all([
    registry.listVersions(latest.id),
    listProviderConfigs(await getPrisma(), viewer.workspaceId),
    canWrite ? listSuitesForPrompt(await getPrisma(), viewer.workspaceId, latest.id) : [],
  ]);
  const chosen =
    Number.isInteger(asked) && asked !== latest.version && versions.some((v) => v.version === asked)
      ? await registry.get(latest.id, asked)
      : latest;
  return (
    <Playground
      key={chosen.version}
      prompt={{
        id: chosen.id,
        version: chosen.version,
        variables: chosen.variables,
        examples: chosen.examples,
        model: chosen.model,
      }}
      versions={versions.map((v) => ({ version: v.version, labels: v.labels, message: v.message ?? null }))}
      providers={configs.map((c) => ({ name: c.name, kind: c.kind, isSimulator: c.isSimulator }))}
      canRun={canWrite}
      {...(canWrite ? { testCase: { suites, saveTestCase: saveTestCaseAction } } : {})}
    />
  );
}

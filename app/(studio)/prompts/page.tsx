import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { PromptsList } from '@/components/prompts/prompts-list';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getRegistry } from '@/lib/server/loom';
import { listPrompts, parsePromptListQuery } from '@/lib/server/prompts/prompts-list';
import { archivePromptAction, importPromptsAction, unarchivePromptAction } from './actions';

export const metadata: Metadata = { title: 'Prompts' };

export default async function PromptsPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(await searchParams)) {
    if (typeof value === 'string') params.set(key, value);
  }
  const query = parsePromptListQuery(params);
  const data = await listPrompts(await getPrisma(), await getRegistry(viewer), viewer.workspaceId, query);
  return (
    <div className="max-w-6xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Prompts</h1>
        <p className="text-sm text-zinc-500">
          Versioned prompts of {viewer.workspaceName}. Applications serve the version labelled production.
        </p>
      </header>
      <PromptsList
        initialQuery={query}
        data={data}
        canWrite={can(viewer.role, 'write')}
        importPrompts={importPromptsAction}
        archivePrompt={archivePromptAction}
        unarchivePrompt={unarchivePromptAction}
      />
    </div>
  );
}

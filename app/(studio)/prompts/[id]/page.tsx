import { PromptEditor } from '@/components/editor/prompt-editor';
import { can } from '@/lib/server/auth/permissions';
import { toEditorBase } from '@/lib/server/prompts/editor';
import { loadModelChoices } from '@/lib/server/prompts/editor-page';
import { loadPromptPage, promptPageMetadata } from '@/lib/server/prompts/prompt-page';
import { promoteVersionAction } from './history/actions';
import { saveVersionAction } from './actions';

export const generateMetadata = promptPageMetadata('Editor');

/** The Editor tab: the latest version, editable by writers, read-only for viewers. */
export default async function PromptEditorPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const { viewer, latest, summary } = await loadPromptPage(decodeURIComponent(id));
  const modelChoices = await loadModelChoices(viewer);
  return (
    <PromptEditor
      base={toEditorBase(latest)}
      readOnly={!can(viewer.role, 'write')}
      saveVersion={saveVersionAction}
      modelChoices={modelChoices}
      promotion={
        can(viewer.role, 'promote')
          ? { production: summary.labels.production ?? null, promote: promoteVersionAction }
          : undefined
      }
    />
  );
}

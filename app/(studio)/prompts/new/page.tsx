import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { PromptEditor } from '@/components/editor/prompt-editor';
import { NewPromptForm } from '@/components/prompts/new-prompt-form';
import { slugify } from '@/components/prompts/slug';
import { Alert, Card } from '@/components/ui/card';
import { promptIdSchema } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { emptyBase, isPromptIdTaken } from '@/lib/server/prompts/editor';
import { defaultModelSettings, loadModelChoices } from '@/lib/server/prompts/editor-page';
import { getRegistry } from '@/lib/server/loom';
import { saveVersionAction } from '../[id]/actions';

export const metadata: Metadata = { title: 'New prompt' };

/**
 * Creating a prompt: a name and an id (derived from the name unless given; a GET form, so checking
 * them stores nothing), then the editor on an empty draft. The prompt exists once its v1 is saved.
 */
export default async function NewPromptPage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  if (!can(viewer.role, 'write')) return <Alert>Your role ({viewer.role}) cannot create prompts.</Alert>;

  const params = await searchParams;
  const name = firstValue(params.name);
  const typedId = firstValue(params.id).trim();
  const id = typedId || slugify(name);
  // The form was sent (even empty) once either field is in the URL; a first visit shows no errors.
  const submitted = params.id !== undefined || params.name !== undefined;
  const errors: { id?: string; name?: string } = {};
  if (submitted) {
    if (name.trim() === '') errors.name = 'Give the prompt a name.';
    else if (name.length > 200) errors.name = 'Names are at most 200 characters.';
    const parsedId = promptIdSchema.safeParse(id);
    if (id === '') {
      if (!errors.name)
        errors.id = 'Give the prompt an id: the name has no letter or digit to derive one from.';
    } else if (!parsedId.success) {
      errors.id = `The id "${id}" is not valid: ${parsedId.error.issues[0]?.message ?? 'it is malformed'}.`;
    } else if (await isPromptIdTaken(await getRegistry(viewer), id)) {
      errors.id = `A prompt with the id "${id}" already exists. Choose another id.`;
    }
  }

  if (submitted && !errors.id && !errors.name) {
    const modelChoices = await loadModelChoices(viewer);
    return (
      <div className="space-y-4">
        <header className="space-y-1">
          <Link href="/prompts" className="text-xs text-zinc-500 hover:underline">
            ← Prompts
          </Link>
          <div className="flex flex-wrap items-center gap-3">
            <h1 className="text-2xl font-semibold break-words">{name}</h1>
            <code className="text-sm text-zinc-500">{id}</code>
            <span className="rounded bg-zinc-100 px-2 py-0.5 text-xs text-zinc-600 dark:bg-zinc-800">
              new
            </span>
          </div>
        </header>
        <PromptEditor
          base={emptyBase(id, name.trim(), defaultModelSettings(modelChoices))}
          readOnly={false}
          isNew
          saveVersion={saveVersionAction}
          modelChoices={modelChoices}
        />
      </div>
    );
  }

  return (
    <div className="max-w-lg space-y-4">
      <h1 className="text-2xl font-semibold">New prompt</h1>
      <Card>
        <NewPromptForm name={name} id={id} errors={errors} />
      </Card>
    </div>
  );
}

/** A repeated query parameter (`?id=a&id=b`) counts by its first value. */
function firstValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

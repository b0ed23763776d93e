import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { PromptEditor } from '@/components/editor/prompt-editor';
import { Button } from '@/components/ui/button';
import { Alert, Card } from '@/components/ui/card';
import { Field, Input } from '@/components/ui/field';
import { promptIdSchema } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { emptyBase, isPromptIdTaken } from '@/lib/server/editor';
import { defaultModelSettings, loadModelChoices } from '@/lib/server/editor-page';
import { getRegistry } from '@/lib/server/loom';
import { saveVersionAction } from '../[id]/actions';

export const metadata: Metadata = { title: 'New prompt' };

/**
 * Creating a prompt: an id and a name (a GET form, so checking them stores nothing), then the
 * editor on an empty draft. The prompt exists once its v1 is saved.
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
  const id = firstValue(params.id);
  const name = firstValue(params.name);
  const submitted = id !== '' || name !== '';
  const errors: { id?: string; name?: string } = {};
  if (submitted) {
    const parsedId = promptIdSchema.safeParse(id);
    if (!parsedId.success) errors.id = `The id ${parsedId.error.issues[0]?.message ?? 'is invalid'}.`;
    else if (await isPromptIdTaken(await getRegistry(viewer), id))
      errors.id = `A prompt with the id "${id}" already exists.`;
    if (name.trim() === '') errors.name = 'Give the prompt a name.';
    else if (name.length > 200) errors.name = 'Names are at most 200 characters.';
  }

  if (submitted && !errors.id && !errors.name) {
    const modelChoices = await loadModelChoices(viewer);
    return (
      <div className="space-y-4">
        <header className="space-y-1">
          <Link href="/prompts" className="text-xs text-zinc-500 hover:underline">
            ← Prompts
          </Link>
          <div className="flex items-center gap-3">
            <h1 className="text-2xl font-semibold">{name}</h1>
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
        <form method="get" action="/prompts/new" className="space-y-4" data-testid="new-prompt-form">
          <Field label="Id" error={errors.id}>
            <Input
              name="id"
              defaultValue={id}
              required
              placeholder="support-reply"
              aria-invalid={errors.id ? true : undefined}
            />
          </Field>
          <p className="-mt-3 text-xs text-zinc-500">
            Lowercase letters, digits, &quot;.&quot;, &quot;_&quot; and &quot;-&quot;. Applications fetch the
            prompt by this id; it cannot change later.
          </p>
          <Field label="Name" error={errors.name}>
            <Input
              name="name"
              defaultValue={name}
              required
              maxLength={200}
              aria-invalid={errors.name ? true : undefined}
            />
          </Field>
          <Button type="submit">Continue to the editor</Button>
        </form>
      </Card>
    </div>
  );
}

/** A repeated query parameter (`?id=a&id=b`) counts by its first value. */
function firstValue(value: string | string[] | undefined): string {
  return (Array.isArray(value) ? value[0] : value) ?? '';
}

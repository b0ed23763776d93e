'use client';

import Link from 'next/link';
import { useState } from 'react';
import { Button } from '../ui/button';
import { Field, Input } from '../ui/field';
import { slugify } from './slug';

/**
 * The first step of a new prompt: a name, and an id derived from it until the user edits the id.
 * A GET form, so checking them stores nothing; the server page validates and reports each field.
 */
export function NewPromptForm({
  name: initialName,
  id: initialId,
  errors,
}: {
  name: string;
  id: string;
  errors: { name?: string; id?: string };
}) {
  const [name, setName] = useState(initialName);
  const [id, setId] = useState(initialId);
  // An id the user typed (or one the server sent back that the name would not give) is kept.
  const [isIdEdited, setIsIdEdited] = useState(initialId !== '' && initialId !== slugify(initialName));
  const firstError = errors.name ? 'name' : errors.id ? 'id' : undefined;

  return (
    <form method="get" action="/prompts/new" className="space-y-4" data-testid="new-prompt-form" noValidate>
      <Field label="Name" error={errors.name}>
        <Input
          name="name"
          value={name}
          maxLength={200}
          autoFocus={firstError !== 'id'}
          aria-invalid={errors.name ? true : undefined}
          onChange={(e) => {
            setName(e.target.value);
            if (!isIdEdited) setId(slugify(e.target.value));
          }}
        />
      </Field>
      <Field label="Id" error={errors.id}>
        <Input
          name="id"
          value={id}
          maxLength={100}
          placeholder="derived from the name"
          autoFocus={firstError === 'id'}
          aria-invalid={errors.id ? true : undefined}
          aria-describedby="new-prompt-id-hint"
          onChange={(e) => {
            setId(e.target.value);
            setIsIdEdited(e.target.value !== '');
          }}
        />
      </Field>
      <p id="new-prompt-id-hint" className="-mt-3 text-xs text-zinc-500">
        Lowercase letters, digits, &quot;.&quot;, &quot;_&quot; and &quot;-&quot;. Applications fetch the
        prompt by this id; it cannot change later.
      </p>
      <div className="flex flex-wrap gap-2">
        <Button type="submit">Continue to the editor</Button>
        <Link
          href="/prompts"
          className="rounded-md border border-zinc-300 px-3 py-1.5 text-sm font-medium hover:bg-zinc-100 dark:border-zinc-700 dark:hover:bg-zinc-800"
        >
          Cancel
        </Link>
      </div>
    </form>
  );
}

'use client';

import Link from 'next/link';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button, buttonClasses } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Select, Textarea } from '../ui/field';
import type { PromptOption } from './types';

export type CreateSuite = (input: {
  name: string;
  description: string;
  promptId: string;
}) => Promise<ActionResult<{ id: string; revision: number }>>;

/** Name, description and target prompt; the suite starts with an exact-match evaluator and no cases. */
export function NewSuiteForm({
  prompts,
  initialPromptId,
  createSuite,
}: {
  prompts: PromptOption[];
  initialPromptId: string;
  createSuite: CreateSuite;
}) {
  const router = useRouter();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const [promptId, setPromptId] = useState(
    prompts.some((p) => p.id === initialPromptId) ? initialPromptId : (prompts[0]?.id ?? ''),
  );
  const mutation = useActionMutation(createSuite, {
    onSuccess: (data) => router.push(`/suites/${encodeURIComponent(data.id)}`),
  });
  const errors = mutation.error?.error.fieldErrors ?? {};

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate({ name, description, promptId });
  }

  if (prompts.length === 0) {
    return (
      <Alert tone="info">
        A suite tests a prompt, and this workspace has none yet.{' '}
        <Link href="/prompts/new" className="font-medium underline">
          Create a prompt
        </Link>{' '}
        first.
      </Alert>
    );
  }
  const chosen = prompts.find((p) => p.id === promptId);
  return (
    <form onSubmit={onSubmit} className="space-y-4" data-testid="new-suite-form" noValidate>
      <Field label="Name" error={errors.name?.[0]}>
        <Input value={name} maxLength={200} autoFocus onChange={(e) => setName(e.target.value)} />
      </Field>
      <Field label="Description" error={errors.description?.[0]} hint="Optional: what this suite checks.">
        <Textarea
          value={description}
          rows={3}
          maxLength={5000}
          onChange={(e) => setDescription(e.target.value)}
        />
      </Field>
      <Field
        label="Prompt"
        error={errors.promptId?.[0]}
        hint={
          chosen
            ? `Cases fill its variables: ${chosen.variables.join(', ') || '(it has none)'}.`
            : 'The prompt whose versions this suite tests.'
        }
      >
        <Select value={promptId} onChange={(e) => setPromptId(e.target.value)}>
          {prompts.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name} ({p.id})
            </option>
          ))}
        </Select>
      </Field>
      {mutation.error && !mutation.error.error.fieldErrors ? <Alert>{mutation.error.message}</Alert> : null}
      <div className="flex flex-wrap gap-2">
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Creating…' : 'Create suite'}
        </Button>
        <Link href="/suites" className={buttonClasses('secondary')}>
          Cancel
        </Link>
      </div>
    </form>
  );
}

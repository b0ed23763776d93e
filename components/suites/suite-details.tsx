'use client';

import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Textarea } from '../ui/field';

export type RenameSuite = (input: {
  suiteId: string;
  expectedRevision: number;
  message: string;
  name: string;
  description: string;
}) => Promise<ActionResult<{ revision: number }>>;

/** "Edit details": the suite's name and description, saved as a new revision. */
export function SuiteDetailsButton({
  suite,
  renameSuite,
}: {
  suite: { id: string; name: string; description: string; revision: number };
  renameSuite: RenameSuite;
}) {
  const [isOpen, setIsOpen] = useState(false);
  return (
    <>
      <Button variant="secondary" onClick={() => setIsOpen(true)}>
        Edit details
      </Button>
      {isOpen ? (
        <DetailsDialog suite={suite} renameSuite={renameSuite} onClose={() => setIsOpen(false)} />
      ) : null}
    </>
  );
}

function DetailsDialog({
  suite,
  renameSuite,
  onClose,
}: {
  suite: { id: string; name: string; description: string; revision: number };
  renameSuite: RenameSuite;
  onClose: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  const [name, setName] = useState(suite.name);
  const [description, setDescription] = useState(suite.description);
  const mutation = useActionMutation(renameSuite, { onSuccess: () => ref.current?.close() });
  const errors = mutation.error?.error.fieldErrors ?? {};
  useEffect(() => {
    ref.current?.showModal();
  }, []);

  function onSubmit(event: FormEvent) {
    event.preventDefault();
    mutation.mutate({ suiteId: suite.id, expectedRevision: suite.revision, message: '', name, description });
  }

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onClose={onClose}
      className="m-auto w-[calc(100%-2rem)] max-w-lg rounded-lg border border-zinc-200 bg-white p-5 shadow-lg backdrop:bg-black/30 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-100"
    >
      <form onSubmit={onSubmit} className="space-y-4" noValidate>
        <h2 id={titleId} className="text-base font-semibold">
          Suite details
        </h2>
        <Field label="Name" error={errors.name?.[0]}>
          <Input value={name} maxLength={200} onChange={(e) => setName(e.target.value)} />
        </Field>
        <Field label="Description" error={errors.description?.[0]}>
          <Textarea
            value={description}
            rows={3}
            maxLength={5000}
            onChange={(e) => setDescription(e.target.value)}
          />
        </Field>
        {mutation.error && !mutation.error.error.fieldErrors ? <Alert>{mutation.error.message}</Alert> : null}
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => ref.current?.close()}>
            Cancel
          </Button>
          <Button type="submit" disabled={mutation.isPending}>
            {mutation.isPending ? 'Saving…' : 'Save'}
          </Button>
        </div>
      </form>
    </dialog>
  );
}

'use client';

import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Select } from '../ui/field';

type Role = 'admin' | 'editor' | 'viewer';
const ROLES: Role[] = ['admin', 'editor', 'viewer'];

interface AddMemberInput {
  email: string;
  name: string;
  password: string;
  role: Role;
}

export function AddMemberForm({
  addMember,
}: {
  addMember: (input: AddMemberInput) => Promise<ActionResult<unknown>>;
}) {
  const [formKey, setFormKey] = useState(0);
  const mutation = useActionMutation(addMember, { onSuccess: () => setFormKey((k) => k + 1) });
  const fieldError = (name: string) => mutation.error?.error.fieldErrors?.[name]?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    mutation.mutate({
      email: String(form.get('email') ?? ''),
      name: String(form.get('name') ?? ''),
      password: String(form.get('password') ?? ''),
      role: String(form.get('role') ?? 'viewer') as Role,
    });
  }

  return (
    <form
      key={formKey}
      aria-label="Add a member"
      onSubmit={onSubmit}
      className="grid grid-cols-1 gap-4 sm:grid-cols-2"
      noValidate
    >
      {mutation.error ? (
        <div className="sm:col-span-2">
          <Alert>{mutation.error.message}</Alert>
        </div>
      ) : null}
      {mutation.isSuccess ? (
        <div className="sm:col-span-2">
          <Alert tone="info">Member added. Share the password with them privately.</Alert>
        </div>
      ) : null}
      <Field label="Name" error={fieldError('name')}>
        <Input name="name" required aria-invalid={Boolean(fieldError('name'))} />
      </Field>
      <Field label="Email" error={fieldError('email')}>
        <Input name="email" type="email" required aria-invalid={Boolean(fieldError('email'))} />
      </Field>
      <Field label="Initial password" error={fieldError('password')}>
        <Input
          name="password"
          type="password"
          autoComplete="new-password"
          required
          aria-invalid={Boolean(fieldError('password'))}
        />
      </Field>
      <Field label="Role">
        <Select name="role" defaultValue="editor">
          {ROLES.map((r) => (
            <option key={r} value={r}>
              {r}
            </option>
          ))}
        </Select>
      </Field>
      <div className="sm:col-span-2">
        <Button type="submit" disabled={mutation.isPending}>
          {mutation.isPending ? 'Adding…' : 'Add member'}
        </Button>
      </div>
    </form>
  );
}

export function MemberRoleControls({
  userId,
  role,
  isSelf,
  changeRole,
  remove,
}: {
  userId: string;
  role: Role;
  isSelf: boolean;
  changeRole: (input: { userId: string; role: Role }) => Promise<ActionResult<unknown>>;
  remove: (input: { userId: string }) => Promise<ActionResult<unknown>>;
}) {
  const change = useActionMutation(changeRole);
  const removal = useActionMutation(remove);
  const error = change.error ?? removal.error;
  return (
    <div className="flex items-center gap-2">
      <select
        aria-label="Role"
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        value={role}
        disabled={change.isPending}
        onChange={(e) => change.mutate({ userId, role: e.target.value as Role })}
      >
        {ROLES.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      {isSelf ? null : (
        <Button
          variant="ghost"
          disabled={removal.isPending}
          onClick={() => {
            if (window.confirm('Remove this member from the workspace?')) removal.mutate({ userId });
          }}
        >
          Remove
        </Button>
      )}
      {error ? (
        <span role="alert" className="text-xs text-red-600">
          {error.message}
        </span>
      ) : null}
    </div>
  );
}

'use client';

import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input, Select } from '../ui/field';
import { ConfirmDialog } from '../prompts/confirm-dialog';

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
  addMember: (input: AddMemberInput) => Promise<ActionResult<{ isReturning: boolean }>>;
}) {
  const [formKey, setFormKey] = useState(0);
  const [added, setAdded] = useState<{ email: string; isReturning: boolean }>();
  const mutation = useActionMutation(addMember, { onSuccess: () => setFormKey((k) => k + 1) });
  const fieldError = (name: string) => mutation.error?.error.fieldErrors?.[name]?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = {
      email: String(form.get('email') ?? ''),
      name: String(form.get('name') ?? ''),
      password: String(form.get('password') ?? ''),
      role: String(form.get('role') ?? 'viewer') as Role,
    };
    mutation.mutate(input, {
      onSuccess: (data) => setAdded({ email: input.email.trim(), isReturning: data.isReturning }),
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
      {mutation.isSuccess && added ? (
        <div className="sm:col-span-2">
          <Alert tone="info">
            {added.isReturning
              ? `${added.email} was a member before and is back. They sign in with their own password (npm run user:reset-password -- ${added.email} sets a new one).`
              : `${added.email} was added. Share the password with them privately; they can change it under Account.`}
          </Alert>
        </div>
      ) : null}
      <Field label="Name" error={fieldError('name')}>
        <Input name="name" required />
      </Field>
      <Field label="Email" error={fieldError('email')}>
        <Input name="email" type="email" required />
      </Field>
      <Field label="Initial password" error={fieldError('password')}>
        <Input name="password" type="password" autoComplete="new-password" required />
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

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2 };

const LOSES: Record<Role, string> = {
  admin: '',
  editor: 'You will no longer manage members and providers.',
  viewer: 'You will no longer manage members and providers, nor edit or promote prompts.',
};

type Confirming = { kind: 'demote-self'; role: Role } | { kind: 'remove' } | null;

/**
 * One member's role, removal and sign-in unlock. Lowering your own rights and removing someone
 * ask first; every change says it was saved, and a role change of someone else can be undone.
 */
export function MemberRoleControls({
  member,
  isSelf,
  isSignInPaused,
  changeRole,
  remove,
  unlock,
}: {
  member: { userId: string; email: string; name: string; role: Role };
  isSelf: boolean;
  isSignInPaused: boolean;
  changeRole: (input: { userId: string; role: Role }) => Promise<ActionResult<unknown>>;
  remove: (input: { userId: string }) => Promise<ActionResult<unknown>>;
  unlock: (input: { userId: string }) => Promise<ActionResult<unknown>>;
}) {
  const { userId, email, role } = member;
  const [confirming, setConfirming] = useState<Confirming>(null);
  const [saved, setSaved] = useState<{ text: string; undoTo?: Role }>();
  const change = useActionMutation(changeRole);
  const removal = useActionMutation(remove);
  const unlocking = useActionMutation(unlock);
  const error = change.error ?? removal.error ?? unlocking.error;
  const busy = change.isPending || removal.isPending || unlocking.isPending;

  function reset() {
    [change, removal, unlocking].forEach((m) => m.reset());
    setSaved(undefined);
  }

  function applyRole(next: Role, isUndo = false) {
    reset();
    const previous = role;
    change.mutate(
      { userId, role: next },
      {
        onSuccess: () => {
          setConfirming(null);
          setSaved(
            isUndo
              ? { text: `Undone: ${email} is ${next} again.` }
              : { text: `Saved: ${email} is now ${next}.`, undoTo: isSelf ? undefined : previous },
          );
        },
      },
    );
  }

  function onSelect(next: Role) {
    if (next === role) return;
    if (isSelf && RANK[next] < RANK[role]) setConfirming({ kind: 'demote-self', role: next });
    else applyRole(next);
  }

  return (
    <div className="flex flex-wrap items-center gap-2">
      <select
        aria-label={`Role of ${email}`}
        className="rounded-md border border-zinc-300 bg-white px-2 py-1 text-sm dark:border-zinc-700 dark:bg-zinc-900"
        value={role}
        disabled={busy}
        onChange={(e) => onSelect(e.target.value as Role)}
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
          aria-label={`Remove ${email}`}
          disabled={busy}
          onClick={() => {
            reset();
            setConfirming({ kind: 'remove' });
          }}
        >
          Remove
        </Button>
      )}
      {isSignInPaused ? (
        <>
          <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900 dark:bg-amber-950 dark:text-amber-200">
            Sign-in paused
          </span>
          <Button
            variant="secondary"
            aria-label={`Unlock sign-in of ${email}`}
            disabled={busy}
            onClick={() => {
              reset();
              unlocking.mutate(
                { userId },
                { onSuccess: () => setSaved({ text: `Sign-in unlocked for ${email}.` }) },
              );
            }}
          >
            Unlock sign-in
          </Button>
        </>
      ) : null}
      <span role="status" className="text-xs text-green-700 dark:text-green-400">
        {saved ? (
          <>
            {saved.text}{' '}
            {saved.undoTo ? (
              <button
                type="button"
                className="font-medium underline"
                aria-label={`Undo the role change of ${email}`}
                onClick={() => saved.undoTo && applyRole(saved.undoTo, true)}
              >
                Undo
              </button>
            ) : null}
          </>
        ) : null}
      </span>
      {error && !confirming ? (
        <span role="alert" className="text-xs text-red-600 dark:text-red-400">
          {error.message}
        </span>
      ) : null}
      <ConfirmDialog
        open={confirming?.kind === 'demote-self'}
        title={confirming?.kind === 'demote-self' ? `Make yourself ${confirming.role}?` : ''}
        confirmLabel={confirming?.kind === 'demote-self' ? `Make me ${confirming.role}` : ''}
        isPending={change.isPending}
        error={confirming?.kind === 'demote-self' ? change.error?.message : undefined}
        onConfirm={() => confirming?.kind === 'demote-self' && applyRole(confirming.role)}
        onClose={() => setConfirming(null)}
      >
        {confirming?.kind === 'demote-self' ? LOSES[confirming.role] : null} Another admin would have to give
        the rights back.
      </ConfirmDialog>
      <ConfirmDialog
        open={confirming?.kind === 'remove'}
        title={`Remove ${member.name}?`}
        confirmLabel="Remove"
        isPending={removal.isPending}
        error={confirming?.kind === 'remove' ? removal.error?.message : undefined}
        onConfirm={() => removal.mutate({ userId }, { onSuccess: () => setConfirming(null) })}
        onClose={() => setConfirming(null)}
      >
        {email} loses access to this workspace at once. You can add them back later; they keep their password.
      </ConfirmDialog>
    </div>
  );
}

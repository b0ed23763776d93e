'use client';

import { useState, type FormEvent } from 'react';
import type { ActionResult } from '@/lib/client/action-result';
import { useActionMutation } from '@/lib/client/use-action-mutation';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input } from '../ui/field';

interface ChangePasswordInput {
  currentPassword: string;
  newPassword: string;
  repeatPassword: string;
}
type FieldName = keyof ChangePasswordInput;
const FIELDS: FieldName[] = ['currentPassword', 'newPassword', 'repeatPassword'];

/** The same rules the server applies, checked first so obvious slips need no round trip. */
function checkInBrowser(input: ChangePasswordInput, minLength: number): Partial<Record<FieldName, string>> {
  const errors: Partial<Record<FieldName, string>> = {};
  if (!input.currentPassword) errors.currentPassword = 'Enter your current password.';
  if (input.newPassword.length < minLength) errors.newPassword = `Use at least ${minLength} characters.`;
  else if (input.newPassword === input.currentPassword)
    errors.newPassword = 'Choose a password different from the current one.';
  if (input.repeatPassword !== input.newPassword)
    errors.repeatPassword = 'This does not match the new password.';
  return errors;
}

export function ChangePasswordForm({
  changePassword,
  minLength,
}: {
  changePassword: (input: ChangePasswordInput) => Promise<ActionResult<unknown>>;
  minLength: number;
}) {
  const [formKey, setFormKey] = useState(0);
  const [localErrors, setLocalErrors] = useState<Partial<Record<FieldName, string>>>({});
  const mutation = useActionMutation(changePassword, { onSuccess: () => setFormKey((k) => k + 1) });
  const fieldError = (name: FieldName) => localErrors[name] ?? mutation.error?.error.fieldErrors?.[name]?.[0];

  function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const input = Object.fromEntries(
      FIELDS.map((name) => [name, String(form.get(name) ?? '')]),
    ) as unknown as ChangePasswordInput;
    const errors = checkInBrowser(input, minLength);
    setLocalErrors(errors);
    mutation.reset();
    const firstBad = FIELDS.find((name) => errors[name]);
    if (firstBad) {
      (formElement.elements.namedItem(firstBad) as HTMLInputElement | null)?.focus();
      return;
    }
    mutation.mutate(input);
  }

  return (
    <form key={formKey} aria-label="Change password" onSubmit={onSubmit} className="space-y-4" noValidate>
      {mutation.error ? <Alert>{mutation.error.message}</Alert> : null}
      {mutation.isSuccess ? (
        <Alert tone="info">Password changed. Every other device has been signed out.</Alert>
      ) : null}
      <Field label="Current password" error={fieldError('currentPassword')}>
        <Input name="currentPassword" type="password" autoComplete="current-password" required />
      </Field>
      <Field label="New password" error={fieldError('newPassword')}>
        <Input
          name="newPassword"
          type="password"
          autoComplete="new-password"
          required
          minLength={minLength}
        />
      </Field>
      <Field label="Repeat the new password" error={fieldError('repeatPassword')}>
        <Input name="repeatPassword" type="password" autoComplete="new-password" required />
      </Field>
      <p className="text-xs text-zinc-500 dark:text-zinc-400">At least {minLength} characters.</p>
      <Button type="submit" disabled={mutation.isPending}>
        {mutation.isPending ? 'Changing…' : 'Change password'}
      </Button>
    </form>
  );
}

'use client';

import { signIn } from 'next-auth/react';
import { useRouter } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { safeCallbackUrl } from '@/lib/client/safe-callback';
import { Button } from '../ui/button';
import { Alert } from '../ui/card';
import { Field, Input } from '../ui/field';

type FieldName = 'email' | 'password';

/** Checked in the browser, so an empty form never costs a server round trip or a throttle slot. */
function missingFields(email: string, password: string): Partial<Record<FieldName, string>> {
  return {
    ...(email.trim() ? {} : { email: 'Enter your email address.' }),
    ...(password ? {} : { password: 'Enter your password.' }),
  };
}

export function SignInForm({ callbackUrl }: { callbackUrl?: string }) {
  const router = useRouter();
  const [error, setError] = useState<string>();
  const [fieldErrors, setFieldErrors] = useState<Partial<Record<FieldName, string>>>({});
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const email = String(form.get('email') ?? '');
    const password = String(form.get('password') ?? '');
    const missing = missingFields(email, password);
    setFieldErrors(missing);
    setError(undefined);
    const firstMissing = (['email', 'password'] as const).find((name) => missing[name]);
    if (firstMissing) {
      (formElement.elements.namedItem(firstMissing) as HTMLInputElement | null)?.focus();
      return;
    }
    setPending(true);
    const result = await signIn('credentials', { email, password, redirect: false });
    setPending(false);
    if (!result || result.error) {
      setError(
        result?.error && result.error !== 'CredentialsSignin' ? result.error : 'Wrong email or password.',
      );
      return;
    }
    router.replace(safeCallbackUrl(callbackUrl, window.location.origin));
    router.refresh();
  }

  return (
    <form onSubmit={(e) => void onSubmit(e)} className="space-y-4" noValidate aria-label="Sign in">
      {error ? <Alert>{error}</Alert> : null}
      <Field label="Email" error={fieldErrors.email}>
        <Input name="email" type="email" autoComplete="username" required autoFocus />
      </Field>
      <Field label="Password" error={fieldErrors.password}>
        <Input name="password" type="password" autoComplete="current-password" required />
      </Field>
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </Button>
    </form>
  );
}

'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { Button } from '../ui/button';

/**
 * Signs out through next-auth's own endpoints. Not `signOut` from next-auth/react: that module
 * would add about 10 KB gzip to every studio page for two requests.
 */
async function signOut() {
  const { csrfToken } = (await (await fetch('/api/auth/csrf')).json()) as { csrfToken: string };
  const response = await fetch('/api/auth/signout', {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrfToken, json: 'true' }),
  });
  // A refused sign-out must not look like one: the session would still be there.
  if (!response.ok) throw new Error(`Sign-out failed (${response.status})`);
}

export function SignOutButton() {
  const router = useRouter();
  const [pending, setPending] = useState(false);
  return (
    <Button
      variant="ghost"
      disabled={pending}
      onClick={() => {
        setPending(true);
        signOut().then(
          () => {
            router.replace('/sign-in');
            router.refresh();
          },
          () => setPending(false),
        );
      }}
    >
      Sign out
    </Button>
  );
}

'use client';

import { Button } from '@/components/ui/button';

export default function ErrorPage({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return (
    <main className="flex min-h-screen flex-col items-center justify-center gap-3 p-6 text-center">
      <h1 className="text-2xl font-semibold">Something went wrong</h1>
      <p className="max-w-md text-sm text-zinc-500">
        The server could not finish this request. It has been logged
        {error.digest ? (
          <>
            {' '}
            with reference <code className="font-mono">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <Button onClick={reset}>Try again</Button>
    </main>
  );
}

import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/forms/sign-in-form';
import { LoomMark } from '@/components/shell/loom-mark';
import { getViewer } from '@/lib/server/auth/session';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({
  searchParams,
}: {
  searchParams: Promise<{ callbackUrl?: string }>;
}) {
  if (await getViewer()) redirect('/');
  const { callbackUrl } = await searchParams;
  return (
    <main className="flex min-h-screen items-center justify-center p-6">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex flex-col items-center gap-2 text-center">
          <LoomMark className="size-10" />
          <h1 className="text-xl font-semibold">Sign in to Loom Studio</h1>
          <p className="text-sm text-zinc-500 dark:text-zinc-400">Manage, test and ship your prompts.</p>
        </div>
        <div className="rounded-lg border border-zinc-200 bg-white p-6 shadow-sm dark:border-zinc-800 dark:bg-zinc-900">
          <SignInForm callbackUrl={callbackUrl} />
        </div>
      </div>
    </main>
  );
}

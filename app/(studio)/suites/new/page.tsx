import type { Metadata } from 'next';
import Link from 'next/link';
import { redirect } from 'next/navigation';
import { NewSuiteForm } from '@/components/suites/new-suite-form';
import { Alert, Card } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { listPromptOptions } from '@/lib/server/suites/suites';
import { createSuiteAction } from './actions';

export const metadata: Metadata = { title: 'New suite' };

export default async function NewSuitePage({
  searchParams,
}: {
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  if (!can(viewer.role, 'write')) return <Alert>Your role ({viewer.role}) cannot create suites.</Alert>;
  const prompt = (await searchParams).prompt;
  const prompts = await listPromptOptions(await getPrisma(), viewer.workspaceId);
  return (
    <div className="max-w-lg space-y-4">
      <Link href="/suites" className="text-xs text-zinc-500 hover:underline dark:text-zinc-400">
        ← Suites
      </Link>
      <h1 className="text-2xl font-semibold">New suite</h1>
      <Card>
        <NewSuiteForm
          prompts={prompts}
          initialPromptId={typeof prompt === 'string' ? prompt : ''}
          createSuite={createSuiteAction}
        />
      </Card>
    </div>
  );
}

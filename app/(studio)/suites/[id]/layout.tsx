import Link from 'next/link';
import type { ReactNode } from 'react';
import { SuiteDetailsButton } from '@/components/suites/suite-details';
import { SuiteTabs } from '@/components/suites/suite-tabs';
import { loadSuitePage } from '@/lib/server/suites/suites-page';
import { renameSuiteAction } from './actions';

export default async function SuiteLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { suite, canWrite } = await loadSuitePage(decodeURIComponent((await params).id));
  return (
    <div className="max-w-6xl space-y-4">
      <header className="space-y-1">
        <Link href="/suites" className="text-xs text-zinc-500 hover:underline dark:text-zinc-400">
          ← Suites
        </Link>
        <div className="flex flex-wrap items-start justify-between gap-x-4 gap-y-2">
          <h1 className="min-w-0 flex-1 basis-64 text-2xl font-semibold break-words" data-testid="suite-name">
            {suite.name}
          </h1>
          {canWrite ? <SuiteDetailsButton suite={suite} renameSuite={renameSuiteAction} /> : null}
        </div>
        <p className="flex flex-wrap items-center gap-x-3 gap-y-1 text-sm text-zinc-600 dark:text-zinc-400">
          <span className="min-w-0 truncate">
            Tests{' '}
            <Link
              href={`/prompts/${encodeURIComponent(suite.promptId)}`}
              className="font-medium text-zinc-900 hover:underline dark:text-zinc-100"
            >
              {suite.promptName ?? suite.promptId}
            </Link>
          </span>
          <span aria-hidden="true">·</span>
          <span data-testid="suite-revision">revision {suite.revision}</span>
        </p>
        {suite.description ? (
          <p className="max-w-3xl text-sm break-words text-zinc-600 dark:text-zinc-400">
            {suite.description}
          </p>
        ) : null}
      </header>
      <SuiteTabs suiteId={suite.id} />
      {children}
    </div>
  );
}

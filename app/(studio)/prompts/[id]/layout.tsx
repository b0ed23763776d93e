import Link from 'next/link';
import type { ReactNode } from 'react';
import { LabelBadges } from '@/components/prompts/label-badges';
import { PromptTabs } from '@/components/prompts/prompt-tabs';
import { loadPromptPage } from '@/lib/server/prompts/prompt-page';

export default async function PromptLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ id: string }>;
}) {
  const { id } = await params;
  const { summary } = await loadPromptPage(decodeURIComponent(id));
  return (
    <div className="space-y-4">
      <header className="space-y-1">
        <Link href="/prompts" className="text-xs text-zinc-500 hover:underline">
          ← Prompts
        </Link>
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="min-w-0 text-2xl font-semibold break-words">{summary.name}</h1>
          <code className="text-sm text-zinc-500">{summary.id}</code>
          {summary.archived ? (
            <span className="rounded bg-amber-100 px-2 py-0.5 text-xs text-amber-800">archived</span>
          ) : null}
          <LabelBadges labels={summary.labels} />
        </div>
      </header>
      <PromptTabs promptId={summary.id} />
      {children}
    </div>
  );
}

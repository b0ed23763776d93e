import type { Metadata } from 'next';
import Link from 'next/link';
import type { ReactNode } from 'react';
import { BudgetBanner, BudgetProgress } from '@/components/dashboards/budget';
import { FilterBar } from '@/components/dashboards/filter-bar';
import { FilterProblems } from '@/components/dashboards/filter-problems';
import { OverviewDashboard } from '@/components/dashboards/overview-dashboard';
import { formatAge, formatTime } from '@/components/prompts/format';
import { buttonClasses } from '@/components/ui/button';
import { Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { loadBudgetViews } from '@/lib/server/analytics/budget-views';
import { loadOverview } from '@/lib/server/analytics/overview';
import { loadDashboardContext } from '@/lib/server/analytics/page-context';
import type { SearchParams } from '@/lib/server/analytics/params';
import { can } from '@/lib/server/auth/permissions';
import type { Viewer } from '@/lib/server/auth/session';
import { loadHomeOverview, type ChecklistStep, type HomeOverview } from '@/lib/server/home';

export const metadata: Metadata = { title: 'Overview' };

const LINK = 'font-medium text-accent hover:underline dark:text-accent-soft';

/**
 * The studio's landing page: the cost and usage dashboard for the range in the URL, then what
 * serves production and what changed lately (and the first steps, until they are done).
 */
export default async function OverviewPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const search = await searchParams;
  const context = await loadDashboardContext(search);
  const { viewer, db } = context;
  const stackBy = search.stack === 'prompt' ? 'prompt' : 'model';
  const [overview, budgets, dashboard] = await Promise.all([
    loadHomeOverview(db, viewer.workspaceId),
    loadBudgetViews(db, viewer.workspaceId),
    context.parsed.ok ? loadOverview(db, viewer.workspaceId, context.parsed.filters, stackBy) : undefined,
  ]);
  const problems = !context.parsed.ok
    ? context.parsed.problems
    : dashboard?.ok === false
      ? dashboard.problems
      : [];
  const now = new Date().toISOString();
  const canWrite = can(viewer.role, 'write');
  const isSetUp = Object.values(overview.done).every(Boolean);
  const firstPrompt = overview.production[0]?.promptId;

  return (
    <div className="mx-auto max-w-7xl space-y-6">
      <PageHeader
        title={viewer.workspaceName}
        description={`Your prompts, what serves production and what changed lately. Signed in as ${viewer.name} (${viewer.role}).`}
        actions={
          <>
            <Link href="/cost" className={buttonClasses('secondary')}>
              Cost
            </Link>
            <Link href="/prompts" className={buttonClasses('secondary')}>
              All prompts
            </Link>
            {canWrite ? (
              <Link href="/prompts/new" className={buttonClasses('primary')}>
                New prompt
              </Link>
            ) : null}
          </>
        }
      />

      <BudgetBanner budgets={budgets} canManage={can(viewer.role, 'manage')} />
      {isSetUp ? null : <GettingStarted overview={overview} viewer={viewer} />}

      <FilterBar
        basePath="/"
        values={context.values}
        prompts={context.prompts}
        models={dashboard?.ok ? dashboard.data.models.map((m) => m.model) : []}
        sources={context.sources}
        extra={stackBy === 'prompt' ? { stack: 'prompt' } : {}}
      />
      {dashboard?.ok ? (
        <OverviewDashboard
          data={dashboard.data}
          playgroundHref={firstPrompt ? `/prompts/${firstPrompt}/playground` : '/prompts'}
          canSetPrices={can(viewer.role, 'manage')}
          budgets={<BudgetProgress budgets={budgets} canManage={can(viewer.role, 'manage')} />}
        />
      ) : (
        <FilterProblems problems={problems} resetHref="/" />
      )}

      <div className="grid gap-6 lg:grid-cols-2">
        <Card title="In production">
          {overview.production.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              Nothing serves production yet. Promote a version from a prompt&apos;s History.
            </p>
          ) : (
            <ul className="divide-y divide-zinc-100 dark:divide-zinc-800" aria-label="Prompts in production">
              {overview.production.map((row) => (
                <li
                  key={row.promptId}
                  className="flex flex-wrap items-baseline justify-between gap-x-3 py-2 text-sm"
                >
                  <Link href={`/prompts/${row.promptId}`} className={`${LINK} min-w-0 break-words`}>
                    {row.name}
                  </Link>
                  <span className="text-zinc-600 dark:text-zinc-400">
                    v{row.version}
                    {row.latestVersion > row.version ? (
                      <span className="text-amber-700 dark:text-amber-300">
                        {' '}
                        · v{row.latestVersion} not promoted
                      </span>
                    ) : null}{' '}
                    ·{' '}
                    <time dateTime={row.since} title={formatTime(row.since)}>
                      since {formatAge(row.since, now)}
                    </time>
                  </span>
                </li>
              ))}
            </ul>
          )}
        </Card>

        <Card title="Recent activity">
          {overview.activity.length === 0 ? (
            <p className="text-sm text-zinc-600 dark:text-zinc-400">
              No activity yet: saved versions, promotions and settings changes show here.
            </p>
          ) : (
            <ol className="space-y-2 text-sm" aria-label="Recent activity">
              {overview.activity.map((entry) => (
                <li key={entry.id} data-testid="activity-entry" className="break-words">
                  <span className="font-medium">{entry.actor}</span>{' '}
                  {entry.href ? (
                    <Link href={entry.href} className="hover:underline">
                      {entry.text}
                    </Link>
                  ) : (
                    entry.text
                  )}{' '}
                  <time
                    dateTime={entry.at}
                    title={formatTime(entry.at)}
                    className="whitespace-nowrap text-zinc-600 dark:text-zinc-400"
                  >
                    · {formatAge(entry.at, now)}
                  </time>
                </li>
              ))}
            </ol>
          )}
        </Card>
      </div>
    </div>
  );
}

interface Step {
  key: ChecklistStep;
  title: string;
  hint: string;
  action?: { href: string; label: string };
}

function steps(overview: HomeOverview, viewer: Viewer): Step[] {
  const first = overview.production[0]?.promptId;
  const isAdmin = can(viewer.role, 'manage');
  const canWrite = can(viewer.role, 'write');
  return [
    {
      key: 'provider',
      title: 'Connect a model provider',
      hint: isAdmin
        ? 'The demo answers with a built-in simulator. Add an OpenAI-compatible API or an Ollama server.'
        : 'The demo answers with a built-in simulator. An admin can connect a real model.',
      ...(isAdmin ? { action: { href: '/settings/providers', label: 'Add a provider' } } : {}),
    },
    {
      key: 'prompt',
      title: 'Create a prompt',
      hint: 'A template with variables, model settings and examples; every save is a new version.',
      ...(canWrite ? { action: { href: '/prompts/new', label: 'New prompt' } } : {}),
    },
    {
      key: 'run',
      title: 'Try a prompt in the playground',
      hint: 'Fill in the variables and see the answer, its tokens and its cost.',
      action: { href: first ? `/prompts/${first}/playground` : '/prompts', label: 'Open the playground' },
    },
    {
      key: 'production',
      title: 'Promote a version to production',
      hint: 'Your application asks for the production label; promoting moves it, rolling back moves it back.',
      action: { href: first ? `/prompts/${first}/history` : '/prompts', label: 'Open a prompt’s history' },
    },
    {
      key: 'teammate',
      title: 'Invite a teammate',
      hint: 'Editors write prompts, viewers read them; only admins change settings.',
      ...(isAdmin ? { action: { href: '/settings/members', label: 'Add a member' } } : {}),
    },
  ];
}

function GettingStarted({ overview, viewer }: { overview: HomeOverview; viewer: Viewer }) {
  const all = steps(overview, viewer);
  const doneCount = all.filter((step) => overview.done[step.key]).length;
  return (
    <Card
      title="Getting started"
      actions={
        <span className="text-xs text-zinc-600 dark:text-zinc-400">
          {doneCount} of {all.length} done
        </span>
      }
    >
      <ol className="space-y-3" aria-label="Getting started">
        {all.map((step) => (
          <ChecklistItem key={step.key} step={step} isDone={overview.done[step.key]} />
        ))}
      </ol>
    </Card>
  );
}

function ChecklistItem({ step, isDone }: { step: Step; isDone: boolean }): ReactNode {
  return (
    <li className="flex gap-3 text-sm" data-testid={`step-${step.key}`} data-done={isDone}>
      <span
        aria-hidden="true"
        className={`mt-0.5 flex size-5 shrink-0 items-center justify-center rounded-full border text-xs ${
          isDone
            ? 'border-emerald-600 bg-emerald-600 text-white dark:border-emerald-500 dark:bg-emerald-500 dark:text-zinc-950'
            : 'border-zinc-400 dark:border-zinc-500'
        }`}
      >
        {isDone ? '✓' : ''}
      </span>
      <div className="min-w-0">
        <p className={`font-medium ${isDone ? 'text-zinc-500 line-through dark:text-zinc-400' : ''}`}>
          {step.title}
          <span className="sr-only">{isDone ? ' (done)' : ' (to do)'}</span>
        </p>
        {isDone ? null : (
          <p className="text-zinc-600 dark:text-zinc-400">
            {step.hint}{' '}
            {step.action ? (
              <Link href={step.action.href} className={LINK}>
                {step.action.label}
              </Link>
            ) : null}
          </p>
        )}
      </div>
    </li>
  );
}

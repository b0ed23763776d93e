import Link from 'next/link';
import { formatDollars } from '@/components/suites/format';
import type { BudgetView } from './types';

const monthName = (month: string) =>
  new Intl.DateTimeFormat('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }).format(
    new Date(`${month}-01T00:00:00Z`),
  );

function spentText(budget: BudgetView): string {
  const unpriced =
    budget.unpricedRuns > 0
      ? ` (+ ${budget.unpricedRuns.toLocaleString('en-US')} ${budget.unpricedRuns === 1 ? 'run' : 'runs'} without a price)`
      : '';
  return `${formatDollars(budget.spentMicros)} of ${formatDollars(budget.budgetMicros)}${unpriced}`;
}

/** The in-app alert of budgets at 80% and past 100% of their month. */
export function BudgetBanner({ budgets, canManage }: { budgets: BudgetView[]; canManage: boolean }) {
  const alerts = budgets.filter((budget) => budget.level !== 'ok');
  if (alerts.length === 0) return null;
  const isExceeded = alerts.some((budget) => budget.level === 'exceeded');
  return (
    <div
      role="alert"
      data-testid="budget-banner"
      className={`rounded-lg border px-4 py-3 text-sm ${
        isExceeded
          ? 'border-red-300 bg-red-50 text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100'
          : 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100'
      }`}
    >
      <ul className="space-y-1">
        {alerts.map((budget) => (
          <li key={budget.promptId} className="break-words">
            <span className="font-semibold">
              {budget.level === 'exceeded' ? 'Over budget' : 'Budget at 80%'}: {budget.name}
            </span>{' '}
            has spent {spentText(budget)} in {monthName(budget.month)} ({Math.round(budget.ratio * 100)}%).
          </li>
        ))}
      </ul>
      {canManage ? (
        <Link href="/settings/analytics#budgets" className="mt-1 inline-block font-medium underline">
          Review budgets
        </Link>
      ) : null}
    </div>
  );
}

/** This month's spend against each budget, as progress bars. */
export function BudgetProgress({ budgets, canManage }: { budgets: BudgetView[]; canManage: boolean }) {
  return (
    <section
      aria-labelledby="budget-heading"
      className="rounded-lg border border-zinc-200 bg-white px-4 py-3 dark:border-zinc-800 dark:bg-zinc-900"
      data-testid="budget-progress"
    >
      <div className="flex flex-wrap items-baseline justify-between gap-2">
        <h2 id="budget-heading" className="text-sm font-semibold">
          Budget{budgets[0] ? `, ${monthName(budgets[0].month)}` : ''}
        </h2>
        {canManage ? (
          <Link
            href="/settings/analytics#budgets"
            className="text-xs font-medium text-accent hover:underline dark:text-accent-soft"
          >
            {budgets.length === 0 ? 'Set a budget' : 'Change budgets'}
          </Link>
        ) : null}
      </div>
      {budgets.length === 0 ? (
        <p className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
          No monthly budget.{' '}
          {canManage ? 'Set one to be warned at 80% and 100% of it.' : 'An admin can set one.'}
        </p>
      ) : (
        <ul className="mt-2 space-y-2">
          {budgets.map((budget) => {
            const percent = Math.round(budget.ratio * 100);
            const colour =
              budget.level === 'exceeded'
                ? 'bg-red-600 dark:bg-red-400'
                : budget.level === 'warning'
                  ? 'bg-amber-500'
                  : 'bg-accent';
            return (
              <li key={budget.promptId} className="text-sm">
                <div className="flex flex-wrap justify-between gap-x-3">
                  <span className="min-w-0 font-medium break-words">{budget.name}</span>
                  <span className="tabular-nums text-zinc-600 dark:text-zinc-400">{spentText(budget)}</span>
                </div>
                <div
                  role="progressbar"
                  aria-label={`${budget.name} budget used`}
                  aria-valuemin={0}
                  aria-valuemax={100}
                  aria-valuenow={Math.min(percent, 100)}
                  aria-valuetext={`${percent}%`}
                  className="mt-1 h-2 overflow-hidden rounded-full bg-zinc-200 dark:bg-zinc-800"
                >
                  <div className={`h-full ${colour}`} style={{ width: `${Math.min(percent, 100)}%` }} />
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}

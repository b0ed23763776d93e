import Link from 'next/link';
import type { UnpricedModel } from './types';

/**
 * Runs whose model had no price: their cost is unknown, so every total beside it leaves them out
 * instead of counting them as free. Each model, named with its provider (the same model name can
 * be priced apart per provider), links to the price form filled in for it.
 */
export function UnpricedNotice({ models, canSetPrices }: { models: UnpricedModel[]; canSetPrices: boolean }) {
  const runs = models.reduce((sum, model) => sum + model.runs, 0);
  return (
    <div
      role="status"
      data-testid="unpriced-notice"
      className="rounded-lg border border-amber-300 bg-amber-50 px-4 py-3 text-sm text-amber-900 dark:border-amber-800 dark:bg-amber-950 dark:text-amber-100"
    >
      <p className="font-semibold">
        {runs.toLocaleString('en-US')} {runs === 1 ? 'run' : 'runs'} without a price: their cost is unknown
        and left out of the totals.
      </p>
      <ul className="mt-1 space-y-0.5">
        {models.map(({ provider, model, runs: count }) => (
          <li key={`${provider}/${model}`} className="break-words">
            <code>
              {provider} / {model}
            </code>{' '}
            ({count.toLocaleString('en-US')} {count === 1 ? 'run' : 'runs'}){' '}
            {canSetPrices ? (
              <Link
                href={`/settings/analytics?${new URLSearchParams({ provider, model }).toString()}`}
                className="font-medium underline"
              >
                Set its price
              </Link>
            ) : (
              <span>: an admin can set its price under Prices &amp; budgets.</span>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}

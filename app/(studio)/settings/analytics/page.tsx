import type { Metadata } from 'next';
import { AnalyticsSettingsForm } from '@/components/dashboards/analytics-settings-form';
import { BudgetSettings } from '@/components/dashboards/budget-settings';
import { PriceSettings } from '@/components/dashboards/price-settings';
import { Alert } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { loadBudgetViews } from '@/lib/server/analytics/budget-views';
import { formatLocalDay, localDayOf } from '@/lib/server/analytics/params';
import { listModelPrices } from '@/lib/server/analytics/prices';
import { getAnalyticsSettings } from '@/lib/server/analytics/settings';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import {
  deleteBudgetAction,
  deleteModelPriceAction,
  saveAnalyticsSettingsAction,
  saveBudgetAction,
  saveModelPriceAction,
} from './actions';

export const metadata: Metadata = { title: 'Prices & budgets' };

/** Admins' analytics settings: model prices, monthly budgets, the workspace's time zone and retention. */
export default async function AnalyticsSettingsPage({
  searchParams,
}: {
  searchParams: Promise<{ model?: string; provider?: string }>;
}) {
  const viewer = await getViewer();
  if (!viewer || !can(viewer.role, 'manage')) {
    return <Alert>Only workspace admins can change prices and budgets.</Alert>;
  }
  const db = await getPrisma();
  const search = await searchParams;
  const [settings, prices, budgets, prompts] = await Promise.all([
    getAnalyticsSettings(db, viewer.workspaceId),
    listModelPrices(db, viewer.workspaceId),
    loadBudgetViews(db, viewer.workspaceId),
    db.prompt.findMany({
      where: { workspaceId: viewer.workspaceId, archivedAt: null },
      orderBy: { name: 'asc' },
      select: { slug: true, name: true },
    }),
  ]);
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title="Prices & budgets"
        description="Your own model prices over the built-in table, monthly budgets with alerts at 80% and 100%, and where the dashboards' days start."
      />
      <PriceSettings
        rows={prices.map((price) => ({
          id: price.id,
          provider: price.provider,
          model: price.model,
          inputPerMillionUsd: price.inputPerMillionMicros / 1_000_000,
          outputPerMillionUsd: price.outputPerMillionMicros / 1_000_000,
          effectiveFrom: price.effectiveFrom.toISOString(),
          createdBy: price.createdBy,
        }))}
        today={formatLocalDay(localDayOf(new Date(), settings.timeZone))}
        timeZone={settings.timeZone}
        initial={{ model: search.model, provider: search.provider }}
        save={saveModelPriceAction}
        remove={deleteModelPriceAction}
      />
      <BudgetSettings
        budgets={budgets}
        prompts={prompts.map((prompt) => ({ id: prompt.slug, name: prompt.name }))}
        save={saveBudgetAction}
        remove={deleteBudgetAction}
      />
      <AnalyticsSettingsForm initial={settings} save={saveAnalyticsSettingsAction} />
    </div>
  );
}

import { expect, type Locator, type Page } from '@playwright/test';
import { withSeededWorkspace } from './database';
import { seedPlaygroundPrompt, type SeededPrompt } from './playground-pages';

const HOUR = 3_600_000;

export interface SeededTraffic {
  prompt: SeededPrompt;
  /** A model only this test's runs use, and that has no price. */
  unpricedModel: string;
  /** Runs in the last 24 hours and in the last 7 days (the 24 hours included). */
  lastDay: number;
  lastWeek: number;
}

/**
 * A prompt of its own with a week of runs, written as the analytics store writes them: priced
 * and unpriced models, playground, API and judge calls, a few errors. Filtering the dashboards by
 * this prompt shows exactly these runs, whatever other tests do meanwhile.
 */
export async function seedDashboardTraffic(): Promise<SeededTraffic> {
  const prompt = await seedPlaygroundPrompt('gpt-4o-mini');
  const unpricedModel = `e2e-unpriced-${prompt.id.slice(-10)}`;
  const now = Date.now();
  const rows: unknown[][] = [];
  // 28 runs 5 hours apart, the newest an hour ago: 4 within the last 24 hours, all within the
  // 7-day preset (which starts at midnight 6 days back). Every 4th run is of each model.
  for (let j = 0; j < 28; j++) {
    const i = j % 4;
    const at = new Date(now - (j < 4 ? 1 + 5 * j : 25 + 5 * (j - 4)) * HOUR);
    const model = i === 3 ? unpricedModel : i === 2 ? 'gpt-4o' : 'gpt-4o-mini';
    const source = i === 1 ? 'judge' : i === 2 ? 'api' : 'playground';
    rows.push([
      at,
      model,
      model === unpricedModel ? null : 1_500 + 500 * i,
      !(i === 0 && j % 12 === 0),
      source,
    ]);
  }
  await withSeededWorkspace(async (client, workspaceId) => {
    for (const [at, model, cost, success, source] of rows) {
      await client.query(
        `INSERT INTO "AnalyticsRun" ("workspaceId", "at", "promptId", "version", "model", "provider", "latencyMs",
           "inputTokens", "outputTokens", "costMicros", "success", "source")
         VALUES ($1, ($2::timestamptz AT TIME ZONE 'UTC'), $3, 1, $4, 'simulator', $5, 120, 40, $6, $7, $8)`,
        [
          workspaceId,
          (at as Date).toISOString(),
          prompt.id,
          model,
          300 + Math.round(Math.random() * 400),
          cost,
          success,
          source,
        ],
      );
    }
  });
  return { prompt, unpricedModel, lastDay: 4, lastWeek: 28 };
}

export class DashboardPage {
  constructor(private readonly page: Page) {}

  kpi(label: string): Locator {
    return this.page.getByTestId(`kpi-${label.toLowerCase().replace(/\s+/g, '-')}`).getByTestId('kpi-value');
  }

  preset(name: string): Locator {
    return this.page.getByRole('navigation', { name: 'Range' }).getByRole('link', { name, exact: true });
  }

  filter(name: 'Prompt' | 'Model' | 'Source'): Locator {
    return this.page.getByTestId('dashboard-filters').getByLabel(name);
  }

  problems(): Locator {
    return this.page.getByTestId('filter-problems');
  }

  /** Waits until every chart on the page has drawn (recharts arrives in a lazy chunk). */
  async chartsDrawn() {
    await expect(this.page.getByText('Loading chart…')).toHaveCount(0, { timeout: 20_000 });
    const charts = this.page.locator('.recharts-surface');
    await expect(charts.first()).toBeVisible();
  }

  /** A KPI as a number (runs, "1,234"). */
  async kpiNumber(label: string): Promise<number> {
    return Number((await this.kpi(label).innerText()).replace(/[^\d.]/g, ''));
  }
}

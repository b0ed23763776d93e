import { readFile } from 'node:fs/promises';
import { expect, test } from './support/fixtures';
import { DashboardPage, seedDashboardTraffic } from './support/dashboard-pages';
import { PlaygroundPage } from './support/playground-pages';
import { THEMES, VIEWPORTS, checkScreen, useTheme } from './support/screens';

test('the overview charts a prompt’s week; the range and a filter change the URL and the totals', async ({
  page,
  signInAs,
}) => {
  const traffic = await seedDashboardTraffic();
  await signInAs('viewer');
  const dashboard = new DashboardPage(page);
  await page.goto(`/?prompt=${traffic.prompt.id}`);
  await expect(dashboard.kpi('Runs')).toHaveText(String(traffic.lastWeek));
  // 7 of the 28 runs have no price: the cost says so instead of counting them as free.
  await expect(dashboard.kpi('Cost')).toContainText('+ 7 runs without a price');
  // Named with its provider: a price is set per provider and model.
  await expect(page.getByTestId('unpriced-notice')).toContainText(`simulator / ${traffic.unpricedModel}`);
  await dashboard.chartsDrawn();
  await expect(page.getByRole('img', { name: 'Cost per day by model' })).toBeVisible();

  // The same numbers as a table.
  const costChart = page.getByRole('region', { name: 'Cost per day by model' });
  await costChart.getByRole('button', { name: 'Show as table' }).click();
  await expect(costChart.getByRole('table')).toContainText('gpt-4o-mini');

  await dashboard.preset('24h').click();
  await expect(page).toHaveURL(/[?&]range=24h/);
  await expect(page).toHaveURL(new RegExp(`prompt=${traffic.prompt.id}`));
  await expect(dashboard.kpi('Runs')).toHaveText(String(traffic.lastDay));

  await dashboard.preset('7d').click();
  await expect(dashboard.kpi('Runs')).toHaveText(String(traffic.lastWeek));
  await dashboard.filter('Model').selectOption('gpt-4o');
  await expect(page).toHaveURL(/[?&]model=gpt-4o(&|$)/);
  await expect(dashboard.kpi('Runs')).toHaveText('7');
  await dashboard.filter('Source').selectOption('judge');
  await expect(page).toHaveURL(/[?&]source=judge/);
  await expect(dashboard.kpi('Runs')).toHaveText('0');
  await expect(page.getByText(/No runs in this range/).first()).toBeVisible();
});

test('bad filters in the URL say what is wrong in place of the charts', async ({ page, signInAs }) => {
  await signInAs('viewer');
  const dashboard = new DashboardPage(page);
  await page.goto('/?from=2026-05-10&to=2026-05-01');
  await expect(dashboard.problems()).toContainText(
    'The range ends (2026-05-01) before it starts (2026-05-10).',
  );
  await page.goto('/?from=2024-01-01&to=2026-01-01');
  await expect(dashboard.problems()).toContainText('at most 400');
  await page.goto('/?from=yesterday&to=2026-01-01');
  await expect(dashboard.problems()).toContainText('“from” is not a date: “yesterday”');
  await page.goto('/cost?prompt=no-such-prompt-e2e&model=no-such-model-e2e');
  await expect(dashboard.problems()).toContainText('No prompt “no-such-prompt-e2e” in this workspace.');
  await expect(dashboard.problems()).toContainText('No runs of a model “no-such-model-e2e”');
  await page.getByRole('link', { name: 'Show the last 7 days of everything' }).click();
  await expect(page).toHaveURL(/\/cost$/);
  await expect(dashboard.problems()).toHaveCount(0);
});

test('a playground run is counted on the overview', async ({ page, signInAs }) => {
  const traffic = await seedDashboardTraffic();
  await signInAs('editor');
  const dashboard = new DashboardPage(page);
  const overview = `/?prompt=${traffic.prompt.id}&range=24h`;
  await page.goto(overview);
  await expect(dashboard.kpi('Runs')).toHaveText(String(traffic.lastDay));

  const playground = new PlaygroundPage(page);
  await playground.goto(traffic.prompt.id);
  await playground.field('who').fill('the dashboard');
  await playground.runButton().click();
  await expect(playground.status()).toHaveText('Done');

  // Recorded in the background (batched within a second): counted as soon as it is stored.
  await expect
    .poll(
      async () => {
        await page.goto(overview);
        return dashboard.kpiNumber('Runs');
      },
      { timeout: 30_000 },
    )
    .toBe(traffic.lastDay + 1);
});

test('a cost table exports as CSV with the total the page shows', async ({ page, signInAs }) => {
  const traffic = await seedDashboardTraffic();
  await signInAs('viewer');
  await page.goto(`/cost?prompt=${traffic.prompt.id}&by=model`);
  const table = page.getByTestId('cost-table-model');
  await expect(table.getByRole('row')).toHaveCount(3 + 2); // header, 3 models, total
  const pageTotal = await page.getByTestId('cost-total').getByTestId('figure-value').innerText();
  await expect(table.getByTestId('cost-table-total').getByTestId('cost-cell')).toHaveText(pageTotal);
  // Sorting by runs puts the largest first.
  await table.getByRole('button', { name: 'Runs' }).click();
  await expect(table.getByRole('columnheader', { name: 'Runs' })).toHaveAttribute('aria-sort', 'descending');

  const downloading = page.waitForEvent('download');
  await page.getByRole('link', { name: 'Export CSV' }).click();
  const csv = await readFile((await (await downloading).path())!, 'utf8');
  const lines = csv.trim().split('\r\n');
  expect(lines[0]).toBe(
    'model,runs,errors,input_tokens,output_tokens,cost_usd,unpriced_runs,cost_per_call_usd',
  );
  expect(lines).toContainEqual(
    expect.stringMatching(new RegExp(`^${traffic.unpricedModel},7,0,840,280,unknown,7,unknown$`)),
  );
  const total = lines.at(-1)!.split(',');
  expect(total[0]).toBe('Total');
  expect(Number(total[1])).toBe(traffic.lastWeek);
  // The page shows dollars to the cent above $1 and to 4-6 digits below: the same amount.
  const dollars = Number(total[5]);
  expect(pageTotal).toContain(`$${dollars.toFixed(dollars >= 1 ? 2 : dollars >= 0.01 ? 4 : 6)}`);
  expect(pageTotal).toContain(`+ ${total[6]} runs without a price`);
});

test('a budget set below this month’s spend raises the banner on the overview', async ({
  page,
  signInAs,
}) => {
  const traffic = await seedDashboardTraffic();
  await signInAs('admin');
  await page.goto('/settings/analytics');
  const form = page.getByRole('form', { name: 'Set a budget' });
  await form.getByLabel('For').selectOption(traffic.prompt.id);
  // The newest run (an hour ago, so this month on any day but the first, before 1 am) cost $0.0015.
  await form.getByLabel('Budget, $ per month').fill('0.001');
  await form.getByRole('button', { name: 'Save budget' }).click();
  await expect(page.getByRole('progressbar', { name: `${traffic.prompt.name} budget used` })).toBeVisible();

  await page.goto('/');
  const banner = page.getByTestId('budget-banner');
  await expect(banner).toContainText(`Over budget: ${traffic.prompt.name}`);
  await expect(banner).toContainText(/has spent \$0\.\d{4,6} of \$0\.001000/);

  // Other tests share the workspace: take the budget away again, and the banner with it.
  await page.goto('/settings/analytics');
  await page.getByRole('button', { name: `Remove the budget of ${traffic.prompt.name}` }).click();
  await expect(page.getByRole('progressbar', { name: `${traffic.prompt.name} budget used` })).toHaveCount(0);
  await page.goto('/');
  await expect(page.getByTestId('budget-banner').filter({ hasText: traffic.prompt.name })).toHaveCount(0);
});

test.describe('dashboard screens', () => {
  for (const theme of THEMES) {
    test(`overview, cost and a prompt's metrics in the ${theme} theme`, async ({ page, signInAs }) => {
      test.slow(); // three screens at two sizes, each with lazy charts
      const traffic = await seedDashboardTraffic();
      await useTheme(page, theme);
      await signInAs('admin');
      const dashboard = new DashboardPage(page);
      for (const viewport of VIEWPORTS) {
        await page.setViewportSize(viewport);
        await page.goto(`/?prompt=${traffic.prompt.id}`);
        await dashboard.chartsDrawn();
        await checkScreen(page, 'dashboard-overview', theme);
        await page.goto(`/cost?prompt=${traffic.prompt.id}`);
        await expect(page.getByTestId('cost-table-prompt')).toBeVisible();
        await checkScreen(page, 'dashboard-cost', theme);
        await page.goto(`/prompts/${traffic.prompt.id}/metrics`);
        await expect(page.getByTestId('version-metrics')).toBeVisible();
        await dashboard.chartsDrawn();
        await checkScreen(page, 'dashboard-prompt-metrics', theme);
      }
    });
  }
});

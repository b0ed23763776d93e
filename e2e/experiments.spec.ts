import { Webhook } from 'standardwebhooks';
import { callAction } from './support/actions';
import { ApiKeysPage } from './support/api-keys-pages';
import { productionOf } from './support/database';
import {
  ExperimentResultsPage,
  PromptExperimentsPage,
  promptWithTwoVersions,
  recordTraffic,
  screenshotBothThemes,
  simulateTraffic,
  waitForLiveExperiment,
} from './support/experiments-pages';
import { expect, test } from './support/fixtures';
import { signInAsNewAccount } from './support/pages';
import { PromptHistoryPage } from './support/prompts-pages';
import { startWebhookReceiver } from './support/webhook-receiver';
import { WebhookEndpointPage, WebhooksPage } from './support/webhooks-pages';

test('set up an experiment, watch a winner emerge, promote it; a viewer cannot', async ({
  page,
  browser,
  signInAs,
}) => {
  test.setTimeout(180_000);
  const receiver = await startWebhookReceiver();
  await signInAs('admin');
  // An endpoint subscribed to experiment.winner, on a loopback receiver.
  const webhooks = new WebhooksPage(page);
  await webhooks.goto();
  await webhooks.add({ url: receiver.url, events: ['experiment.winner'] });
  const endpoint = new WebhookEndpointPage(page);
  await endpoint.expectOpen(receiver.url);
  const secret = await endpoint.revealSecret();
  // The simulator's key: it reads prompts (assignment) and reports outcomes.
  const keys = new ApiKeysPage(page);
  await keys.goto();
  const apiKey = await keys.create(`Simulator ${Date.now()}`, ['prompts:read', 'experiments:write']);
  const p = await promptWithTwoVersions(page);

  const setup = new PromptExperimentsPage(page);
  await setup.goto(p.id);
  await expect(setup.plannedSample()).toContainText(/Planned sample: [\d,]+ units per arm/);
  await page.setViewportSize({ width: 1440, height: 900 });
  await screenshotBothThemes(page, 'setup');
  const before = await setup.plannedSample().textContent();
  await setup.form().getByLabel('Minimum detectable effect (%)').fill('20');
  await expect(setup.plannedSample()).not.toHaveText(before ?? '');
  const id = await setup.create('Friendlier greeting');

  const results = new ExperimentResultsPage(page);
  await expect(results.phase()).toHaveText('Draft');
  await page.getByRole('button', { name: 'Start experiment' }).click();
  await expect(results.phase()).toHaveText('Running');
  await expect(page.getByTestId('method')).toContainText(
    'Always-valid sequential test: you may look as often as you like.',
  );
  await expect(results.promoteButton()).toBeDisabled();

  // Live traffic through the runtime API: the real simulator, v2 converting far better than v1.
  // 2,000 units, ~1,000 per arm: enough for the always-valid test to call it at these rates.
  await waitForLiveExperiment(p.id, apiKey, id);
  const output = await simulateTraffic({ promptId: p.id, apiKey, rates: 'v1=0.05,v2=0.30', users: 2000 });
  expect(output).toContain('errors: 0');
  expect(output).toContain('served production (outside the experiment or none running): 0');
  await page.reload();
  await expect(page.getByTestId('verdict')).toHaveText('v2 (version 2) beats v1.');
  await expect(results.variant('v2')).toHaveAttribute('data-status', 'winner');
  await expect(results.variant('v2')).toContainText(/\+\d[\d,]*\.\d%/);
  await expect(results.variant('v1')).toContainText(/\d\.\d\d%/);
  await expect(page.getByTestId('results-charts')).toBeVisible();
  await expect(page.getByRole('img', { name: /Cumulative exposures vs configured split/ })).toBeVisible();
  await expect(results.promoteButton()).toBeEnabled();
  await screenshotBothThemes(page, 'results');

  const actionIds: string[] = [];
  page.on('request', (request) => {
    const actionId = request.headers()['next-action'];
    if (actionId && request.method() === 'POST') actionIds.push(actionId);
  });
  await results.promoteButton().click();
  const dialog = page.getByRole('dialog', { name: 'Promote v2 to production?' });
  await expect(dialog).toContainText('moves from v1 to v2');
  await dialog.getByRole('button', { name: 'Promote winner' }).click();
  await expect(page.getByTestId('promote-done')).toContainText(
    `Production of ${p.id} moved from v1 to v2 (v2); the experiment is completed`,
  );
  await expect(results.phase()).toHaveText('Completed');
  await expect(page.getByTestId('promotion-summary')).toContainText('moved from v1 to v2');
  expect(await productionOf(p.id)).toBe(2);
  const promoteActionId = actionIds.at(-1) ?? '';
  await screenshotBothThemes(page, 'promoted');

  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  await expect(history.auditEntries().first()).toContainText('moved production from v1 to v2');

  // onWinner fired once: one signed experiment.winner event reached the receiver.
  const winnerEvents = () =>
    receiver.received.filter((r) => {
      const event = JSON.parse(r.body) as { type: string; data: { experimentId?: string } };
      return event.type === 'experiment.winner' && event.data.experimentId === id;
    });
  await expect.poll(() => winnerEvents().length, { timeout: 20_000 }).toBe(1);
  expect(new Webhook(secret).verify(winnerEvents()[0]!.body, winnerEvents()[0]!.headers)).toMatchObject({
    type: 'experiment.winner',
    data: { experimentId: id, promptId: p.id, winner: { variant: 'v2', version: 2 } },
  });

  // A viewer reads the results but has no controls, and a forged promote is refused.
  const viewerContext = await browser.newContext();
  try {
    const viewerPage = await viewerContext.newPage();
    await signInAsNewAccount(viewerPage, 'viewer');
    await new ExperimentResultsPage(viewerPage).goto(id);
    await expect(viewerPage.getByTestId('verdict')).toBeVisible();
    await expect(viewerPage.getByRole('button', { name: /Promote|Pause|Stop|Start/ })).toHaveCount(0);
    const forged = await callAction(viewerPage, promoteActionId, [{ experimentId: id }]);
    expect(forged).toContain('FORBIDDEN');
  } finally {
    await viewerContext.close();
    await receiver.close();
  }
});

test('skewed assignment shows the sample-ratio-mismatch banner and blocks promotion', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(120_000);
  await signInAs('editor');
  const p = await promptWithTwoVersions(page);
  const setup = new PromptExperimentsPage(page);
  await setup.goto(p.id);
  const id = await setup.create('Skewed split');
  await page.getByRole('button', { name: 'Start experiment' }).click();
  const results = new ExperimentResultsPage(page);
  await expect(results.phase()).toHaveText('Running');
  // Written to the tables directly: the API assigns by the configured split, so it cannot produce
  // the skewed assignment a sample-ratio mismatch needs.
  await recordTraffic(id, [
    { variant: 'v1', exposures: 2000, conversions: 200 },
    { variant: 'v2', exposures: 1500, conversions: 300 },
  ]);
  await page.reload();
  await expect(results.srmBanner()).toContainText('Sample ratio mismatch');
  await expect(results.srmBanner()).toContainText('Common causes');
  await expect(results.promoteButton()).toBeDisabled();
  await expect(page.getByTestId('promote-blocked')).toHaveText(
    'Sample ratio mismatch: the result cannot be trusted.',
  );

  // The workspace list shows it, running first, linked from the navigation.
  await page
    .getByRole('navigation', { name: 'Main' })
    .getByRole('link', { name: 'Experiments', exact: true })
    .click();
  await expect(page).toHaveURL(/\/experiments$/);
  await expect(page.getByTestId('experiment-row').first()).toContainText('Running');

  await results.goto(id);
  await page.setViewportSize({ width: 390, height: 844 });
  await expect(results.srmBanner()).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/experiments-srm-mobile.png', fullPage: true });
});

import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { expect, test } from './support/fixtures';
import { PromptHistoryPage, PromptsListPage, promptDocument } from './support/prompts-pages';
import { THEMES, VIEWPORTS, checkScreen, useTheme } from './support/screens';
import { startWebhookReceiver } from './support/webhook-receiver';
import { WebhookEndpointPage, WebhooksPage } from './support/webhooks-pages';

test('an admin adds an endpoint; promoting a prompt sends it a signed label.moved; Send test and Redeliver show in the log', async ({
  page,
  signInAs,
  shell,
}) => {
  test.setTimeout(180_000);
  const receiver = await startWebhookReceiver();
  try {
    await signInAs('admin');
    await shell.nav().getByRole('link', { name: 'Webhooks' }).click();
    const webhooks = new WebhooksPage(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();

    // An address on the studio's own machine is refused at its field unless the operator allows it.
    await webhooks.add({ url: 'http://127.0.0.1:9/hooks', events: ['label.moved'] });
    await expect(webhooks.urlField()).toHaveAttribute('aria-invalid', 'true');
    await expect(webhooks.urlField()).toBeFocused();
    await expect(webhooks.form()).toContainText('127.0.0.1 is a loopback address');
    await expect(webhooks.form()).toContainText('LOOM_PROVIDER_ALLOWLIST');
    // No event chosen: refused at the events.
    await webhooks.add({ url: receiver.url, events: [] });
    await expect(webhooks.form()).toContainText('Choose at least one event.');

    const description = `Deploy bot ${randomBytes(3).toString('hex')}`;
    await webhooks.add({ url: receiver.url, description, events: ['label.moved', 'version.created'] });
    const endpoint = new WebhookEndpointPage(page);
    await endpoint.expectOpen(receiver.url);
    await expect(page.getByTestId('deliveries-empty')).toContainText('Press Send test');
    const secret = await endpoint.revealSecret();
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    const endpointUrl = page.url();

    // Promote a prompt: the receiver gets label.moved, signed with the endpoint's secret.
    const id = `hook-${randomBytes(4).toString('hex')}`;
    const list = new PromptsListPage(page);
    await list.goto();
    await list.importText(promptDocument({ id, name: `Hook ${id}`, tag: id, user: 'First' }));
    await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${id} v1.`);
    await list.importText(promptDocument({ id, name: `Hook ${id}`, tag: id, user: 'Second' }));
    await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${id} v2.`);
    await list.closeImport();
    const history = new PromptHistoryPage(page);
    await history.goto(id);
    await history.moveProduction(2, 'Promote');

    const ofPrompt = (type: string) =>
      receiver.received.filter((r) => {
        const event = JSON.parse(r.body) as { type: string; data: { promptId?: string } };
        return event.type === type && event.data.promptId === id;
      });
    await expect.poll(() => ofPrompt('label.moved').length, { timeout: 15_000 }).toBe(1);
    const [moved] = ofPrompt('label.moved');
    expect(new Webhook(secret).verify(moved!.body, moved!.headers)).toMatchObject({
      type: 'label.moved',
      data: { promptId: id, label: 'production', to: 2, link: `/prompts/${id}/history` },
    });
    // Both imported versions were announced too.
    await expect.poll(() => ofPrompt('version.created').length, { timeout: 15_000 }).toBe(2);
    const versions = ofPrompt('version.created').map((r) => new Webhook(secret).verify(r.body, r.headers));
    expect(versions).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ data: expect.objectContaining({ version: 1 }) }),
        expect.objectContaining({ data: expect.objectContaining({ version: 2 }) }),
      ]),
    );

    // Send test: a webhook.test ping through the same path, shown delivered in the log.
    await page.goto(endpointUrl);
    await endpoint.sendTest();
    const ping = endpoint.delivery('webhook.test');
    await expect(ping.getByTestId('delivery-status')).toHaveText('delivered', { timeout: 15_000 });
    await expect(ping.getByTestId('delivery-http')).toHaveText('HTTP 200');
    await expect(ping.getByTestId('delivery-attempts')).toHaveText('1');
    await expect(ping.getByTestId('delivery-latency')).toHaveText(/\d+(\.\d)? m?s/);
    await expect(ping.getByTestId('delivery-response')).toHaveText('{"received":true}');
    const pings = receiver.received.filter((r) => JSON.parse(r.body).type === 'webhook.test');
    expect(pings).toHaveLength(1);
    expect(new Webhook(secret).verify(pings[0]!.body, pings[0]!.headers)).toMatchObject({
      type: 'webhook.test',
    });
    await expect(endpoint.delivery('label.moved').getByTestId('delivery-status')).toHaveText('delivered');

    // Redeliver the ping: a new delivery with the same webhook-id.
    await ping.getByRole('button', { name: /^Redeliver webhook\.test/ }).click();
    await expect(page.getByTestId('delivery-row').filter({ hasText: 'webhook.test' })).toHaveCount(2);
    await expect
      .poll(() => receiver.received.filter((r) => JSON.parse(r.body).type === 'webhook.test').length, {
        timeout: 15_000,
      })
      .toBe(2);
    const again = receiver.received.filter((r) => JSON.parse(r.body).type === 'webhook.test');
    expect(again[1]!.headers['webhook-id']).toBe(again[0]!.headers['webhook-id']);

    // The list and the endpoint's page with its log, in both themes on a desktop and a phone.
    for (const viewport of VIEWPORTS) {
      await page.setViewportSize(viewport);
      for (const theme of THEMES) {
        await useTheme(page, theme);
        await webhooks.goto();
        await expect(page.getByTestId('endpoint-row').filter({ hasText: description })).toBeVisible();
        await checkScreen(page, 'webhooks', theme);
        await page.goto(endpointUrl);
        await endpoint.expectOpen(receiver.url);
        await expect(endpoint.deliveries().first()).toBeVisible();
        await checkScreen(page, 'webhook-endpoint', theme);
      }
    }

    // Disabled, it receives nothing more; the studio stops sending to the closed receiver.
    await page.setViewportSize(VIEWPORTS[1]);
    const settings = page.getByRole('form', { name: 'Endpoint settings' });
    await settings.getByRole('checkbox', { name: /^Enabled/ }).uncheck();
    await settings.getByRole('button', { name: 'Save' }).click();
    await expect(page.getByTestId('endpoint-state')).toHaveText('disabled');
    await expect(page.getByRole('button', { name: 'Send test' })).toBeDisabled();
  } finally {
    await receiver.close();
  }
});

test('editors see no webhooks screen and cannot read a delivery log', async ({ page, signInAs }) => {
  await signInAs('editor');
  await expect(
    page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Webhooks' }),
  ).toHaveCount(0);
  await page.goto('/settings/webhooks');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'Only workspace admins can configure webhooks.',
  );
  const response = await page.request.get('/api/webhooks/any/deliveries');
  expect(response.status()).toBe(403);
});

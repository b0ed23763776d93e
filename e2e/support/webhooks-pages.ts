import { expect, type Page } from '@playwright/test';

const EVENT_TYPES = [
  'version.created',
  'label.moved',
  'label.removed',
  'experiment.winner',
  'suite_run.completed',
  'budget.alert',
];

export class WebhooksPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/settings/webhooks');
    await expect(this.page.getByRole('heading', { level: 1, name: 'Webhooks' })).toBeVisible();
  }

  form() {
    return this.page.getByRole('form', { name: 'Add an endpoint' });
  }

  urlField() {
    return this.form().getByRole('textbox', { name: 'URL' });
  }

  /** Fills the add form (events: exactly these) and presses Add endpoint. */
  async add(p: { url: string; description?: string; events: string[] }) {
    await this.urlField().fill(p.url);
    if (p.description !== undefined)
      await this.form().getByRole('textbox', { name: 'Description' }).fill(p.description);
    const events = this.form().getByRole('group', { name: 'Events' });
    for (const type of EVENT_TYPES) {
      await events
        .getByRole('checkbox', { name: new RegExp(`^${type.replace('.', '\\.')}\\b`) })
        .setChecked(p.events.includes(type));
    }
    await this.form().getByRole('button', { name: 'Add endpoint' }).click();
  }
}

export class WebhookEndpointPage {
  constructor(private readonly page: Page) {}

  async expectOpen(url: string) {
    await expect(this.page.getByRole('heading', { level: 1, name: url })).toBeVisible();
  }

  async revealSecret(): Promise<string> {
    await this.page.getByRole('button', { name: 'Reveal secret' }).click();
    const secret = this.page.getByTestId('webhook-secret');
    await expect(secret).toHaveText(/^whsec_[A-Za-z0-9+/=]{40,}$/);
    return (await secret.innerText()).trim();
  }

  async sendTest() {
    await this.page.getByRole('button', { name: 'Send test' }).click();
  }

  deliveries() {
    return this.page.getByTestId('delivery-row');
  }

  /** The newest delivery of an event type. */
  delivery(eventType: string) {
    return this.deliveries()
      .filter({ has: this.page.getByTestId('delivery-event').getByText(eventType, { exact: true }) })
      .first();
  }
}

import { expect, type Locator, type Page } from '@playwright/test';

/** Settings → API keys. */
export class ApiKeysPage {
  /** `origin`: another studio instance than the e2e server (the scale-out spec's). */
  constructor(
    private readonly page: Page,
    private readonly origin = '',
  ) {}

  async goto() {
    await this.page.goto(`${this.origin}/settings/api-keys`);
    await expect(this.page.getByRole('heading', { level: 1, name: 'API keys' })).toBeVisible();
  }

  createForm(): Locator {
    return this.page.getByRole('form', { name: 'Create an API key' });
  }

  /** Creates a key with the scopes (prompts:read is checked by default) and returns its secret, as shown once. */
  async create(name: string, scopes: string[] = ['prompts:read']): Promise<string> {
    const form = this.createForm();
    await form.getByLabel('Name').fill(name);
    for (const box of await form.getByRole('checkbox').all()) {
      const value = await box.getAttribute('value');
      await box.setChecked(scopes.includes(value ?? ''));
    }
    await form.getByRole('button', { name: 'Create key' }).click();
    const secret = this.newSecret();
    await expect(secret).toHaveText(/^loom_sk_/);
    return (await secret.textContent()) ?? '';
  }

  newSecret(): Locator {
    return this.page.getByTestId('new-api-key-secret');
  }

  row(name: string): Locator {
    return this.page.getByTestId('api-key-row').filter({ hasText: name });
  }

  async revoke(name: string) {
    await this.page.getByRole('button', { name: `Revoke ${name}` }).click();
    await this.page.getByRole('dialog').getByRole('button', { name: 'Revoke key' }).click();
    await expect(this.row(name)).toContainText('Revoked');
  }
}

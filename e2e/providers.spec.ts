import { randomBytes } from 'node:crypto';
import { EditorPage } from './support/editor-pages';
import { expect, test } from './support/fixtures';
import { PlaygroundPage, ProvidersPage, seedPlaygroundPrompt } from './support/playground-pages';

/** The simulator's root (scheme, host and port) as the Providers screen shows it. */
async function simulatorRoot(providers: ProvidersPage): Promise<string> {
  const address = (await providers.row('simulator').getByTestId('provider-address').innerText()).trim();
  return new URL(address).origin;
}

test('a base URL that serves a web page is not "connected", and no HTML reaches the screen', async ({
  page,
  signInAs,
}) => {
  await signInAs('admin');
  const providers = new ProvidersPage(page);
  await providers.goto();
  const root = await simulatorRoot(providers);
  const name = `e2e-site-${randomBytes(4).toString('hex')}`;

  // The simulator serves a website under /website and redirects to it from /moved.
  for (const path of ['/website/v1', '/moved/v1']) {
    await providers.fillOpenAI({ name, baseUrl: `${root}${path}` });
    await providers.testConnection();
    const result = providers.connectionResult();
    await expect(result).toContainText(
      `Connection failed: ${name}: the server answered with an HTML page titled "Welcome to Example Corp" instead of a list of models. Check the base URL`,
    );
    await expect(result).not.toContainText('Connected');
    await expect(result).not.toContainText('PROVIDER_ERROR');
    await expect(result).not.toContainText('<');
  }
});

test('an internal address is refused at its field, before anything is sent', async ({ page, signInAs }) => {
  await signInAs('admin');
  const providers = new ProvidersPage(page);
  await providers.goto();
  await providers.fillOpenAI({ name: 'metadata', baseUrl: 'http://169.254.169.254/latest/meta-data' });
  await providers.testConnection();
  await expect(providers.connectionResult()).toHaveText('Not tested: fix the marked field.');
  const baseUrl = providers.form().getByRole('textbox', { name: 'Base URL' });
  await expect(baseUrl).toHaveAttribute('aria-invalid', 'true');
  await expect(baseUrl).toBeFocused();
  await expect(providers.form()).toContainText('169.254.169.254 is a link-local');
  await expect(providers.form()).toContainText('LOOM_PROVIDER_ALLOWLIST');
});

test('the repeated row controls say which provider they act on', async ({ page, signInAs }) => {
  await signInAs('admin');
  const providers = new ProvidersPage(page);
  await providers.goto();
  const row = providers.row('simulator');
  await expect(row.getByRole('button', { name: 'Test connection to simulator', exact: true })).toBeVisible();
  await expect(row.getByRole('button', { name: 'Delete simulator', exact: true })).toBeVisible();
});

test('a prompt on an unconfigured provider is flagged in the editor and the playground', async ({
  page,
  signInAs,
}) => {
  const prompt = await seedPlaygroundPrompt('gpt-4o-mini', { provider: 'openai' });
  await signInAs('editor');

  const editor = new EditorPage(page);
  await editor.goto(prompt.id);
  const warning = page.getByTestId('model-settings').getByTestId('provider-warning');
  await expect(warning).toContainText('The provider "openai" is not configured in this workspace');
  await expect(warning.getByRole('link', { name: 'Settings → Providers' })).toHaveAttribute(
    'href',
    '/settings/providers',
  );

  const playground = new PlaygroundPage(page);
  await playground.goto(prompt.id);
  // Other tests add providers to the shared workspace: the warning names whichever one is selected.
  const runsOn = await playground.provider().inputValue();
  expect(runsOn).not.toBe('openai');
  await expect(page.getByTestId('provider-warning')).toContainText(
    `This prompt is set to the provider "openai", which is not configured in this workspace; it runs on "${runsOn}" instead.`,
  );
});

test('a new prompt starts on a configured provider, without a warning', async ({ page, signInAs }) => {
  await signInAs('editor');
  const editor = new EditorPage(page);
  const suffix = randomBytes(4).toString('hex');
  await editor.create(`e2e-new-${suffix}`, `New ${suffix}`);
  const settings = page.getByTestId('model-settings');
  // The demo workspace has the simulator; other tests may add real providers, which come first.
  const provider = settings.getByLabel('Provider');
  await expect(provider).not.toHaveValue('openai');
  await expect(provider.locator('option:checked')).toHaveText(/./);
  await expect(settings.getByTestId('provider-warning')).toHaveCount(0);
});

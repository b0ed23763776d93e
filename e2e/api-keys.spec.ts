import { ApiKeysPage } from './support/api-keys-pages';
import { expect, test } from './support/fixtures';
import { THEMES, VIEWPORTS, checkScreen, useTheme } from './support/screens';

/** A demo prompt every e2e database has (seeded at first start). */
const DEMO_PROMPT = 'support-reply';

test('an admin creates a key (its secret shown once), an application calls the API with it, and a revoked key gets 401', async ({
  page,
  request,
  signInAs,
}) => {
  test.setTimeout(90_000); // a busy machine; many steps
  await signInAs('admin');
  const keys = new ApiKeysPage(page);
  await keys.goto();
  const name = `checkout service ${Date.now()}`;
  const secret = await keys.create(name, ['prompts:read', 'prompts:execute']);
  await expect(keys.row(name)).toContainText(secret.slice(0, 14));
  await expect(keys.row(name)).toContainText('Never');

  const headers = { authorization: `Bearer ${secret}` };
  const fetched = await request.get(`/api/v1/prompts/${DEMO_PROMPT}`, { headers });
  expect(fetched.status()).toBe(200);
  const prompt = (await fetched.json()) as { id: string; labels: string[]; prompt: { name: string } };
  expect(prompt).toMatchObject({ id: DEMO_PROMPT, labels: expect.arrayContaining(['production']) });
  const rendered = await request.post(`/api/v1/prompts/${DEMO_PROMPT}/render`, {
    headers,
    data: { variables: { customer_name: 'Ada', message: 'My invoice is wrong.' } },
  });
  expect(rendered.status()).toBe(200);
  const { messages } = (await rendered.json()) as { messages: { role: string; content: string }[] };
  expect(messages.at(-1)?.content).toContain('My invoice is wrong.');

  // Shown once: after a reload the page has the key's prefix but never its secret.
  await page.reload();
  await expect(keys.row(name)).toBeVisible();
  await expect(keys.newSecret()).toHaveCount(0);
  expect(await page.content()).not.toContain(secret);
  await expect(keys.row(name)).not.toContainText('Never'); // last used is recorded

  await keys.revoke(name);
  const refused = await request.get(`/api/v1/prompts/${DEMO_PROMPT}`, { headers });
  expect(refused.status()).toBe(401);
  expect(refused.headers()['content-type']).toBe('application/problem+json');
  expect(((await refused.json()) as { detail: string }).detail).toMatch(/revoked/);
});

test('a viewer sees the keys but cannot create or revoke them', async ({ page, signInAs }) => {
  await signInAs('viewer');
  const keys = new ApiKeysPage(page);
  await keys.goto();
  await expect(keys.createForm()).toHaveCount(0);
  await expect(page.getByRole('button', { name: /^Revoke / })).toHaveCount(0);
  await expect(page.getByText('Only workspace admins can create and revoke keys.')).toBeVisible();
});

test('the API reference lists every endpoint with an example', async ({ page, signInAs }) => {
  await signInAs('editor');
  await page.goto('/');
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'API reference' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'API reference' })).toBeVisible();
  for (const path of [
    '/api/v1/prompts/{id}',
    '/api/v1/prompts/{id}/render',
    '/api/v1/prompts/{id}/execute',
  ]) {
    await expect(
      page.getByRole('heading', { level: 2, name: new RegExp(path.replaceAll(/[{}/]/g, '\\$&')) }).first(),
    ).toBeVisible();
  }
  await expect(
    page.locator('pre').filter({ hasText: 'Authorization: Bearer $LOOM_API_KEY' }).first(),
  ).toBeVisible();
});

for (const viewport of VIEWPORTS) {
  for (const theme of THEMES) {
    test(`the keys screen at ${viewport.width} px in the ${theme} theme, with a long name and a new secret`, async ({
      page,
      signInAs,
    }) => {
      await page.setViewportSize(viewport);
      await useTheme(page, theme);
      await signInAs('admin');
      const keys = new ApiKeysPage(page);
      await keys.goto();
      await keys.create(
        `Nightly batch summariser for the enterprise support queue ${viewport.width}-${theme} ${Date.now()}`,
        ['prompts:read', 'prompts:execute', 'experiments:write'],
      );
      await checkScreen(page, 'api-keys', theme);
    });
  }
}

import { randomBytes } from 'node:crypto';
import { expect, test } from './support/fixtures';
import { EditorPage } from './support/editor-pages';
import { PlaygroundPage, ProvidersPage, seedPlaygroundPrompt } from './support/playground-pages';

test('the playground streams the answer in progressively, then shows latency, tokens and cost', async ({
  page,
  signInAs,
}) => {
  const prompt = await seedPlaygroundPrompt();
  await signInAs('editor');
  const playground = new PlaygroundPage(page);
  await playground.goto(prompt.id);
  await expect(page.getByTestId('simulator-note')).toContainText(
    'Simulator — offline demo, replies are generated locally',
  );

  // sim-slow streams a word every 400 ms: the answer must be visible while it is still arriving.
  await playground.field('who').fill('Ada Lovelace and Charles Babbage');
  await playground.model().fill('sim-slow');
  await playground.runButton().click();
  let partial = '';
  await expect
    .poll(async () => {
      const seen = await playground.snapshot();
      if (seen.status === 'Streaming…' && seen.output.length > 0) partial = seen.output;
      return partial;
    })
    .toMatch(/^Simulated/);
  const final = 'Simulated reply to: Say hello to Ada Lovelace and Charles Babbage';
  expect(partial.length).toBeLessThan(final.length);
  await expect(playground.status()).toHaveText('Done', { timeout: 15_000 });
  await expect(playground.output()).toHaveText(final);
  await expect(playground.metrics()).toContainText('unknown (no price for sim-slow)');

  await playground.model().fill('gpt-4o-mini');
  await playground.runButton().click();
  await expect(playground.status()).toHaveText('Done');
  const metrics = playground.metrics();
  await expect(metrics).toContainText(/Latency\s*\d+ ms/);
  await expect(metrics).toContainText(/Tokens\s*\d+ in · 11 out/);
  await expect(metrics).toContainText(/Cost\s*\$0\.\d{6}/);
  await page.screenshot({ path: 'e2e/screenshots/playground.png', fullPage: true });
});

test('cancel stops a slow run and keeps the partial answer', async ({ page, signInAs }) => {
  const prompt = await seedPlaygroundPrompt('sim-slow');
  await signInAs('editor');
  const playground = new PlaygroundPage(page);
  await playground.goto(prompt.id);
  await playground.field('who').fill('one two three four five six seven eight nine ten eleven twelve');
  await playground.runButton().click();
  await expect(playground.output()).toContainText('Simulated reply');
  await playground.cancelButton().click();
  await expect(playground.status()).toHaveText('Cancelled');
  await expect(playground.cancelButton()).toHaveCount(0);
  await expect(playground.runButton()).toBeEnabled();
  await expect(playground.output()).not.toContainText('twelve');
  await expect(playground.metrics()).toHaveCount(0);
  await expect(playground.outcome()).toBeFocused();
  await expect(playground.outcome()).toContainText('Cancelled');
});

test('a missing required variable is reported at its field', async ({ page, signInAs }) => {
  const prompt = await seedPlaygroundPrompt();
  await signInAs('editor');
  const playground = new PlaygroundPage(page);
  await playground.goto(prompt.id);
  await playground.runButton().click();
  await expect(playground.status()).toHaveText('Failed');
  await expect(page.getByTestId('sample-who')).toContainText('"who" is required');
  await expect(playground.outcome()).toBeFocused();
  await expect(playground.outcome()).not.toContainText('MISSING_VARIABLES');
});

test('the playground shows the messages sent, runs on Ctrl+Enter and compares the runs of the session side by side', async ({
  page,
  signInAs,
}) => {
  const prompt = await seedPlaygroundPrompt('gpt-4o-mini', {
    user: 'Say hello to {{ who }} in a {{ tone }} way',
    variables: [
      { name: 'tone', type: 'enum', required: false, values: ['friendly', 'formal'], default: 'friendly' },
    ],
  });
  await signInAs('editor');
  const playground = new PlaygroundPage(page);
  await playground.goto(prompt.id);
  await expect(playground.field('tone').locator('option').first()).toHaveText('friendly (default)');
  await expect(playground.runButton()).toBeInViewport();

  await playground.field('who').fill('Ada');
  await playground.field('who').press('ControlOrMeta+Enter');
  await expect(playground.status()).toHaveText('Done');
  const sent = await playground.sentMessages();
  await expect(sent).toHaveCount(2);
  await expect(sent.nth(1)).toContainText('Say hello to Ada in a friendly way');

  await playground.field('who').fill('Grace');
  await playground.field('tone').selectOption('formal');
  await playground.runButton().click();
  await expect(playground.output()).toHaveText('Simulated reply to: Say hello to Grace in a formal way');

  // Runs stay for the tab's session, across a reload, newest first.
  await page.reload();
  await expect(playground.sessionRuns()).toHaveCount(2);
  await expect(playground.sessionRuns().first()).toContainText('Run 2');
  await page.getByRole('checkbox', { name: 'Compare run 1' }).check();
  await page.getByRole('checkbox', { name: 'Compare run 2' }).check();
  await expect(playground.comparedRuns()).toHaveCount(2);
  await expect(playground.comparedRuns().nth(0)).toContainText('in a formal way');
  await expect(playground.comparedRuns().nth(1)).toContainText('in a friendly way');
  await page.screenshot({ path: 'e2e/screenshots/playground-compare.png', fullPage: true });
});

test('the playground runs the unsaved draft handed over by the editor', async ({ page, signInAs }) => {
  const prompt = await seedPlaygroundPrompt();
  await signInAs('editor');
  const editor = new EditorPage(page);
  await editor.goto(prompt.id);
  await editor.typeAtEnd('user', ' twice');
  // No "discard your changes?" question: the playground receives the draft.
  await page.getByRole('navigation', { name: 'Prompt' }).getByRole('link', { name: 'Playground' }).click();
  const playground = new PlaygroundPage(page);
  await page.getByRole('button', { name: 'Run the unsaved draft' }).click();
  await playground.field('who').fill('Ada');
  await playground.runButton().click();
  await expect(playground.output()).toHaveText('Simulated reply to: Say hello to Ada twice');
  await expect(playground.sessionRuns().first()).toContainText('draft');
});

test('the demo workspace comes with prompts that run on the simulator', async ({ page, signInAs }) => {
  await signInAs('editor');
  const playground = new PlaygroundPage(page);
  await playground.goto('support-reply');
  await expect(playground.field('customer_name')).toHaveValue('Sam');
  await playground.runButton().click();
  await expect(playground.status()).toHaveText('Done');
  await expect(playground.output()).toContainText('Simulated reply to: Customer Sam writes');
});

test('a viewer can open the playground but not run it', async ({ page, signInAs, shell }) => {
  const prompt = await seedPlaygroundPrompt();
  await signInAs('viewer');
  await expect(shell.nav().getByRole('link', { name: 'Providers' })).toHaveCount(0);
  const playground = new PlaygroundPage(page);
  await playground.goto(prompt.id);
  await expect(playground.runButton()).toHaveCount(0);
  await expect(page.getByText('Your role can read prompts but not run them')).toBeVisible();
});

test('an admin adds an OpenAI provider, tests it, and never sees the key again', async ({
  page,
  signInAs,
  shell,
}) => {
  await signInAs('admin');
  await shell.nav().getByRole('link', { name: 'Providers' }).click();
  const providers = new ProvidersPage(page);
  await expect(page.getByRole('heading', { name: 'Providers' })).toBeVisible();
  const simulator = providers.row('simulator');
  await expect(simulator).toContainText('Simulator — offline demo, replies are generated locally');
  const simulatorUrl = (await simulator.getByTestId('provider-address').innerText()).trim();
  expect(simulatorUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

  const suffix = randomBytes(4).toString('hex');
  const name = `e2e-${suffix}`;
  const apiKey = `sk-e2e-${randomBytes(12).toString('hex')}${suffix.slice(0, 4)}`;
  // Loopback addresses other than the simulator's are refused unless the operator allows them.
  await providers.fillOpenAI({ name, apiKey, baseUrl: 'http://127.0.0.1:9/v1' });
  await providers.testConnection();
  await expect(providers.connectionResult()).toHaveText('Not tested: fix the marked field.');

  await providers.form().getByLabel('Base URL').fill(simulatorUrl);
  await providers.testConnection();
  await expect(providers.connectionResult()).toContainText('Connected: 5 models');
  await providers.form().getByRole('button', { name: 'Save' }).click();
  const row = providers.row(name);
  await expect(row.getByTestId('provider-key')).toHaveText(`sk-…${apiKey.slice(-4)}`);
  expect(await page.content()).not.toContain(apiKey);

  await page.reload();
  await expect(row.getByTestId('provider-key')).toHaveText(`sk-…${apiKey.slice(-4)}`);
  expect(await page.content()).not.toContain(apiKey);
  const html = await (await page.request.get('/settings/providers')).text();
  expect(html).toContain(name);
  expect(html).not.toContain(apiKey);

  await row.getByRole('button', { name: 'Test connection' }).click();
  await expect(row.getByTestId('connection-result')).toContainText('Connected: 5 models');
});

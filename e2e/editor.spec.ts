import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createAccount } from './support/accounts';
import { EditorPage } from './support/editor-pages';
import { expect, test } from './support/fixtures';
import { SignInPage, StudioShell } from './support/pages';
import { PromptHistoryPage } from './support/prompts-pages';

function uniqueId(label: string) {
  return `e2e-${label}-${randomBytes(4).toString('hex')}`;
}

// 60 samples: the p95 of 30 is their second-largest, which one stray pause decides.
const KEYSTROKES = 60;

// In order, in one worker (a failure skips nothing): the latency measurement must not share the
// two cores with another browser test.
test.describe.configure({ mode: 'default' });

test('an editor creates a prompt, previews while typing, declares a variable and saves v1, v2 and through a conflict', async ({
  page,
  context,
}) => {
  test.setTimeout(120_000);
  const editorAccount = await createAccount('editor');
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(editorAccount.email, editorAccount.password);
  await expect(new StudioShell(page).userName()).toHaveText(editorAccount.name);

  const id = uniqueId('editor');
  const editor = new EditorPage(page);
  await editor.create(id, 'Tide explainer');
  await expect(editor.status()).toHaveText('New prompt, not saved yet');

  // A template with an undeclared name: marked in Monaco and listed under it; nothing renders.
  await editor.typeAtEnd('user', 'Explain {{ topic }}');
  await expect(editor.errorMarkers('user')).toHaveCount(1);
  await expect(editor.templateIssues('user')).toContainText(
    'Line 1, column 12: "topic" is not a declared variable.',
  );
  await expect(page.getByTestId('preview-blocked')).toBeVisible();

  // Declaring it removes the marker; the sample form gets its field and the preview renders.
  await editor.addVariable('topic');
  await expect(editor.errorMarkers('user')).toHaveCount(0);
  await expect(editor.templateIssues('user')).toBeHidden();
  await editor.sample('topic').fill('tides');
  await expect(editor.previewMessages()).toHaveText(['Explain tides']);
  await expect(editor.previewCost()).toContainText(/\d+ input tokens · gpt-4o-mini · ≈ \$/);

  // Save v1: the prompt now exists and the editor sits on its page.
  await editor.save('First draft');
  await expect(page).toHaveURL(new RegExp(`/prompts/${id}$`));
  await expect(editor.status()).toHaveText('Editing v1 · no changes to save');

  // Edit and save v2.
  await editor.typeAtEnd('user', ' for kids');
  await expect(editor.status()).toHaveText('Unsaved changes (based on v1)');
  await editor.save('For kids');
  await expect(editor.status()).toHaveText('Saved v2');
  await page.screenshot({ path: 'e2e/screenshots/editor.png', fullPage: true });

  // Someone else saves v3 from another tab; this tab's save (based on v2) is refused with a diff.
  const other = new EditorPage(await context.newPage());
  await other.goto(id);
  await other.typeAtEnd('user', ' in Wales');
  await other.save('Wales');
  await expect(other.status()).toHaveText('Saved v3');

  await editor.typeAtEnd('user', '!');
  await editor.save('Excitement');
  await expect(editor.conflict()).toContainText('Not saved: v3 was saved by');
  await expect(editor.conflict().getByTestId('conflict-diff')).toContainText('+ Explain {{ topic }}');
  await expect(editor.conflict().getByTestId('conflict-diff')).toContainText('in Wales');
  await expect(editor.saveButton()).toBeDisabled();

  // Keeping the draft on top of v3 saves v4 deliberately, never silently.
  await editor.conflict().getByRole('button', { name: 'Keep my draft on top of v3' }).click();
  await expect(editor.conflict()).toBeHidden();
  await editor.save('Excitement over Wales');
  await expect(editor.status()).toHaveText('Saved v4');
});

test('bad input is explained where it is typed and a viewer gets a read-only editor', async ({ page }) => {
  test.setTimeout(90_000);
  const author = await createAccount('editor');
  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(author.email, author.password);
  await expect(new StudioShell(page).userName()).toHaveText(author.name);

  const id = uniqueId('viewer');
  const editor = new EditorPage(page);
  await editor.create(id, 'Read only');

  // An unparseable template: marked at its line and column, and nothing is saved.
  await editor.typeAtEnd('user', 'Count {% if n %}');
  await expect(editor.templateIssues('user')).toContainText('Line 1, column 7: tag {% if n %} not closed');
  await expect(editor.errorMarkers('user')).not.toHaveCount(0);
  await editor.save('broken');
  await expect(page.getByTestId('save-error')).toBeVisible();
  await expect(page).toHaveURL(/\/prompts\/new/);
  await page.keyboard.press('Escape');
  await editor.template('user').locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+A');
  await page.keyboard.type('Count {{ n }}');

  // A duplicate name and a sample value of the wrong type are reported on their row and field.
  await editor.addVariable('n');
  await editor.addVariable('n');
  await expect(editor.variableRows().nth(1).getByTestId('variable-issues')).toContainText(
    'declared more than once',
  );
  await editor.variableRows().nth(1).getByRole('button', { name: 'Remove variable n' }).click();
  await editor.variableRows().first().getByLabel('Type of n').selectOption('number');
  await editor.sample('n').fill('twelve');
  await expect(page.getByTestId('sample-input')).toContainText('"n" must be');
  await editor.sample('n').fill('12');
  await expect(editor.previewMessages()).toHaveText(['Count 12']);
  await editor.save('Counting');
  await expect(page).toHaveURL(new RegExp(`/prompts/${id}$`));

  await new StudioShell(page).signOut();
  const viewer = await createAccount('viewer');
  await signIn.signIn(viewer.email, viewer.password);
  await expect(new StudioShell(page).userName()).toHaveText(viewer.name);
  await editor.goto(id);
  await expect(page.getByText('You are viewing v1 read-only')).toBeVisible();
  await expect(editor.saveButton()).toHaveCount(0);
  await expect(page.getByLabel('Commit message')).toHaveCount(0);
  await expect(editor.previewMessages()).toHaveText(['Count ']);
});

test('the editor opens ready to preview, says what blocks it, keeps the last good preview and lets Tab leave', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const account = await createAccount('editor');
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(account.email, account.password);
  await expect(new StudioShell(page).userName()).toHaveText(account.name);
  const id = uniqueId('prefill');
  const editor = new EditorPage(page);
  await editor.create(id, 'Prefill');

  // An undeclared name says so (not "fix the problems marked in the editor") and is declared in one click.
  await editor.typeAtEnd('user', 'Explain {{ topic }}');
  await expect(editor.previewBlocked()).toHaveText(/"topic" is used in a template but not declared\./);
  await editor.previewBlocked().getByRole('button', { name: 'Declare topic' }).click();
  await expect(editor.variableRow('topic')).toBeVisible();
  await expect(editor.errorMarkers('user')).toHaveCount(0);

  // A required value nobody has typed yet is pointed at in the sample input, and is not red.
  await editor.variableRow('topic').getByLabel('topic is required').check();
  await expect(editor.previewBlocked()).toHaveText(
    'Sample input: "topic" is required. Fill it in above to see the messages.',
  );
  await expect(editor.sample('topic')).toHaveAttribute('aria-invalid', 'false');
  await editor.sample('topic').fill('tides');
  await expect(editor.previewMessages()).toHaveText(['Explain tides']);

  // A new undeclared name keeps the last good preview, marked as such, beside the one-click fix.
  await editor.pasteAtEnd('user', ' in a {{ tone }} voice');
  await expect(editor.previewBlocked().getByRole('button', { name: 'Declare tone' })).toBeVisible();
  await expect(editor.stalePreviewMessages()).toHaveText(['Explain tides']);
  await editor.previewBlocked().getByRole('button', { name: 'Declare tone' }).click();
  await editor.variableRow('tone').getByLabel('Default of tone').fill('calm');
  await expect(editor.previewMessages()).toHaveText(['Explain tides in a calm voice']);

  // The first example's values prefill the sample input of the next visit; defaults fill the rest.
  await page.getByRole('button', { name: 'Add example' }).click();
  await page.getByLabel('Example 1 topic').fill('waves');
  await page.getByLabel('Example 1 reply').fill('Waves move.');
  await editor.save('With an example');
  await expect(page).toHaveURL(new RegExp(`/prompts/${id}$`));
  await editor.goto(id);
  await expect(editor.sample('topic')).toHaveValue('waves');
  await expect(editor.sample('tone')).toHaveValue('calm');
  await expect(editor.previewMessages().last()).toHaveText('Explain waves in a calm voice');
  await expect(page.getByTestId('prompt-editor').locator('[aria-invalid="true"]')).toHaveCount(0);

  // Tab leaves the template; Ctrl+M makes Tab insert a tab instead, as the hint beneath says.
  await expect(editor.tabHint('user')).toHaveText('Tab moves focus · Ctrl+M: Tab inserts a tab');
  await editor.template('user').locator('.view-lines').click();
  await expect(editor.templateInput('user')).toBeFocused();
  await page.keyboard.press('Tab');
  await expect(editor.templateInput('user')).not.toBeFocused();
  await editor.template('user').locator('.view-lines').click();
  await expect(editor.templateInput('user')).toBeFocused();
  await page.keyboard.press('Control+M');
  await expect(editor.tabHint('user')).toHaveText('Tab inserts a tab · Ctrl+M: Tab moves focus again');
  await page.keyboard.press('Tab');
  await expect(editor.templateInput('user')).toBeFocused();
});

test('a refused save marks every bad field in plain words and focuses the first; saves say they are not live; compare shows what changed', async ({
  page,
}) => {
  test.setTimeout(120_000);
  const consoleErrors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => consoleErrors.push(error.message));
  const account = await createAccount('editor');
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(account.email, account.password);
  await expect(new StudioShell(page).userName()).toHaveText(account.name);
  const id = uniqueId('refused');
  const editor = new EditorPage(page);
  await editor.create(id, 'Refused');
  await editor.typeAtEnd('user', 'Hi {{ name }}');
  await editor.previewBlocked().getByRole('button', { name: 'Declare name' }).click();
  await page.getByLabel('Temperature').fill('3');

  // No message and a temperature out of range: both marked at once, each message said once, in plain words.
  await editor.save('');
  await expect(editor.saveError()).toHaveText('Not saved: 2 fields need attention (marked below).');
  await expect(editor.commitMessage()).toHaveAttribute('aria-invalid', 'true');
  await expect(editor.commitMessage()).toBeFocused();
  await expect(page.getByLabel('Temperature')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByText('Temperature must be at most 2.', { exact: true })).toHaveCount(1);
  await expect(page.getByText('Say what changed.')).toBeVisible();
  await expect(page.getByTestId('prompt-editor')).not.toContainText('Too big');

  // With a message, the save goes straight to the bad field further down.
  await page.setViewportSize({ width: 1280, height: 600 });
  await editor.save('First');
  await expect(page.getByLabel('Temperature')).toBeFocused();
  await expect(page.getByLabel('Temperature')).toBeInViewport();

  // Ctrl+S in the message field saves; with nothing changed there is nothing to save.
  await page.getByLabel('Temperature').fill('1');
  await editor.commitMessage().fill('First');
  await editor.commitMessage().press('ControlOrMeta+s');
  await expect(page).toHaveURL(new RegExp(`/prompts/${id}$`));
  await expect(editor.status()).toHaveText('Editing v1 · no changes to save');
  await expect(editor.saveButton()).toBeDisabled();

  // Ctrl+S inside the template saves v2, which is not live until promoted (confirmed, as in History).
  await editor.commitMessage().fill('Warmer');
  await editor.typeAtEnd('user', '!');
  // The shortcut saves what the editor state holds: wait until it holds the edit (a user sees it).
  await expect(editor.status()).toHaveText(/^Unsaved changes/);
  await page.keyboard.press('ControlOrMeta+s');
  await expect(editor.status()).toHaveText('Saved v2');
  await expect(editor.savedNotLive()).toContainText(
    'v2 is saved but not live: nothing is in production yet.',
  );
  await editor.savedNotLive().getByRole('button', { name: 'Promote v2…' }).click();
  const dialog = page.getByRole('dialog', { name: 'Promote v2 to production?' });
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toBeHidden();
  await expect(editor.commitMessage()).toBeFocused();
  await editor.savedNotLive().getByRole('button', { name: 'Promote v2…' }).click();
  await dialog.getByRole('button', { name: 'Promote' }).click();
  await expect(editor.savedNotLive()).toHaveText('v2 is live: production serves it now.');

  // Compare on v1 pairs it with v2, not with itself; only the user template changed, shown first.
  const history = new PromptHistoryPage(page);
  await history.goto(id);
  await history
    .version(1)
    .getByRole('button', { name: /^Compare/ })
    .click();
  await expect(page.getByTestId('diff-summary')).toHaveText(
    'Changed from v1 to v2: User template. Unchanged: System template, Variables, Examples, Settings.',
  );
  await expect(page.getByTestId('diff-section')).toHaveCount(1);
  await expect(history.diffSide('modified')).toContainText('Hi {{ name }}!');
  await history
    .version(2)
    .getByRole('button', { name: /^Compare/ })
    .click();
  await page.getByRole('combobox', { name: /^From/ }).selectOption('2');
  await expect(history.diff()).toContainText('Both sides are v2: pick two different versions to compare.');
  await page.getByRole('combobox', { name: /^From/ }).selectOption('1');
  await expect(history.diffSide('original')).toContainText('Hi {{ name }}');
  await page.goto(`/prompts/${id}`);
  await editor.waitForMonaco('user');
  expect(consoleErrors.filter((text) => /disposed|TextModel/i.test(text))).toEqual([]);
});

test('keystroke to updated preview stays within 150 ms at p95', async ({ page }) => {
  test.setTimeout(90_000);
  const account = await createAccount('editor');
  await new SignInPage(page).goto();
  await new SignInPage(page).signIn(account.email, account.password);
  await expect(new StudioShell(page).userName()).toHaveText(account.name);
  const editor = new EditorPage(page);
  await editor.create(uniqueId('latency'), 'Latency');
  await editor.typeAtEnd('user', 'Explain {{ topic }}');
  await editor.addVariable('topic');
  await editor.sample('topic').fill('tides');
  await expect(editor.previewMessages()).toHaveText(['Explain tides']);

  // Keystroke to updated preview, measured in the page: keydown time vs. the DOM mutation that
  // first shows the text including that keystroke.
  await page.evaluate(() => {
    const w = window as unknown as { __keydowns: number[]; __mutations: { t: number; text: string }[] };
    w.__keydowns = [];
    w.__mutations = [];
    // Only the measured letters: modifier and navigation keys are not keystrokes into the text.
    document.addEventListener(
      'keydown',
      (event) => {
        if (/^[a-z]$/.test(event.key)) w.__keydowns.push(performance.now());
      },
      true,
    );
    const preview = document.querySelector('[data-testid="preview"]');
    if (!preview) throw new Error('no preview');
    new MutationObserver(() => {
      const messages = preview.querySelectorAll('[data-testid="preview-message"]');
      w.__mutations.push({ t: performance.now(), text: messages[messages.length - 1]?.textContent ?? '' });
    }).observe(preview, { subtree: true, childList: true, characterData: true });
  });
  await editor.template('user').locator('.view-lines').click();
  await page.keyboard.press('ControlOrMeta+End');
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  let expected = 'Explain tides';
  for (let i = 0; i < KEYSTROKES; i++) {
    const key = letters[i % letters.length] ?? 'a';
    expected += key;
    await page.keyboard.press(key);
    await expect(editor.previewMessages().last()).toHaveText(expected);
  }
  const latencies = await page.evaluate((count) => {
    const w = window as unknown as { __keydowns: number[]; __mutations: { t: number; text: string }[] };
    let expectedText = 'Explain tides';
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    return Array.from({ length: count }, (_, i) => {
      expectedText += letters[i % letters.length];
      const start = w.__keydowns[i] ?? NaN;
      const shown = w.__mutations.find((m) => m.t >= start && m.text === expectedText);
      return shown ? shown.t - start : NaN;
    });
  }, KEYSTROKES);
  const requests = await page.evaluate(
    (count) =>
      performance
        .getEntriesByType('resource')
        .filter((entry) => entry.name.endsWith('/api/prompts/preview'))
        .slice(-count)
        .map((entry) => {
          const timing = entry as PerformanceResourceTiming;
          return { fetchMs: timing.duration, serverMs: timing.serverTiming[0]?.duration ?? NaN };
        }),
    KEYSTROKES,
  );
  const median = (values: number[]) =>
    [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? NaN;
  console.log(
    `preview requests: median fetch = ${Math.round(median(requests.map((r) => r.fetchMs)))} ms, median server = ${Math.round(median(requests.map((r) => r.serverMs)))} ms`,
  );
  expect(latencies.every(Number.isFinite)).toBe(true);
  const sorted = [...latencies].sort((a, b) => a - b);
  const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1] ?? NaN;
  const p50 = sorted[Math.ceil(0.5 * sorted.length) - 1] ?? NaN;
  console.log(`preview p95 = ${Math.round(p95)} ms (p50 = ${Math.round(p50)} ms, n = ${latencies.length})`);
  mkdirSync('test-results', { recursive: true });
  writeFileSync(
    'test-results/preview-latency.json',
    `${JSON.stringify({ p50Ms: p50, p95Ms: p95, requests, samples: latencies.map((l) => Math.round(l * 10) / 10) }, null, 2)}\n`,
  );
  expect(p95).toBeLessThanOrEqual(150);
});

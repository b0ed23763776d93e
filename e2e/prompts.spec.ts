import { randomBytes } from 'node:crypto';
import { expect, test } from './support/fixtures';
import { signInAsNewAccount } from './support/pages';
import { NewPromptPage, PromptHistoryPage, PromptsListPage, promptDocument } from './support/prompts-pages';

function unique() {
  const suffix = randomBytes(4).toString('hex');
  return { id: `e2e-list-${suffix}`, name: `List prompt ${suffix}`, tag: `tag-${suffix}` };
}

test('an editor imports, finds, promotes, rolls back, diffs, archives and round-trips a prompt', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(90_000);
  const account = await signInAs('editor');
  const p = unique();
  const list = new PromptsListPage(page);
  const history = new PromptHistoryPage(page);
  await list.goto();

  // A file that is not a prompt is refused by name, and nothing appears.
  await list.importText('just some words');
  await expect(list.importDialog().getByTestId('import-problems')).toContainText('Pasted text');
  await list.importDialog().getByLabel('Or paste a prompt document').fill('');

  // Seed v1 and v2 through the import format.
  await list.importText(promptDocument({ ...p, user: 'OldToken for' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);
  await list.importText(promptDocument({ ...p, user: 'NewToken for' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v2.`);
  await list.closeImport();

  // Search by name and filter by tag.
  await list.search().fill(p.name.toUpperCase());
  await expect(list.rows()).toHaveCount(1);
  await expect(list.row(p.id)).toContainText(`${account.email} · just now`);
  await expect(list.row(p.id).getByTestId('production')).toHaveText('not promoted');
  await list.search().fill('');
  await list.tagFilter().selectOption(p.tag);
  await expect(list.rows()).toHaveCount(1);
  await expect(list.row(p.id)).toBeVisible();

  // The diff of v1 and v2 shows the change; promote v2, then roll back to v1.
  await history.goto(p.id);
  await expect(history.version(2)).toContainText(`Imported from Pasted text`);
  await expect(history.version(2)).toContainText(account.email);
  await expect(history.diffSide('original')).toContainText('OldToken');
  await expect(history.diffSide('modified')).toContainText('NewToken');
  await expect(history.diff().locator('.char-insert, .line-insert').first()).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/diff.png', fullPage: true });

  await history.moveProduction(2, 'Promote');
  await expect(history.auditEntries().first()).toContainText(`${account.email} set production to v2`);
  await list.goto();
  await list.search().fill(p.id);
  await expect(list.row(p.id).getByTestId('production')).toHaveText('v2 · just now');
  await expect(list.rows()).toHaveCount(1);
  await page.screenshot({ path: 'e2e/screenshots/prompts-list.png', fullPage: true });

  await history.goto(p.id);
  await history.moveProduction(1, 'Roll back');
  await expect(history.auditEntries().first()).toContainText('rolled back production from v2 to v1');
  await expect(page.getByTestId('label-production')).toHaveText('production · v1');

  // Export, then import the downloaded file: the same prompt, so nothing changes.
  await list.goto();
  await list.search().fill(p.id);
  await expect(list.rows()).toHaveCount(1);
  const exported = await list.exportAs('YAML');
  expect(exported.name).toBe(`${p.id}.yaml`);
  expect(exported.text).toContain('NewToken');
  await list.importFile(exported.name, exported.text);
  await expect(list.importDialog().getByRole('status')).toHaveText(
    `Nothing new to import. Unchanged: ${p.id}.`,
  );
  await list.closeImport();

  // Archive (confirmed: it serves production) hides it until "Show archived"; Unarchive brings it back.
  await list
    .row(p.id)
    .getByRole('button', { name: `Archive ${p.name}` })
    .click();
  await page
    .getByRole('dialog', { name: `Archive ${p.name}?` })
    .getByRole('button', { name: 'Archive' })
    .click();
  await expect(list.rows()).toHaveCount(0);
  await list.showArchived().check();
  await expect(list.row(p.id)).toContainText('archived');
  await list
    .row(p.id)
    .getByRole('button', { name: `Unarchive ${p.name}` })
    .click();
  await expect(list.row(p.id).getByRole('button', { name: `Archive ${p.name}` })).toBeVisible();
  await list.showArchived().uncheck();
  await expect(list.row(p.id)).toBeVisible();
});

test('a viewer reads prompts and history but sees no import, archive, promote or label controls', async ({
  page,
  browser,
  signInAs,
}) => {
  await signInAs('editor');
  const p = unique();
  const list = new PromptsListPage(page);
  await list.goto();
  await list.importText(promptDocument({ ...p, user: 'Hello' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);

  const viewerContext = await browser.newContext();
  try {
    const viewerPage = await viewerContext.newPage();
    await signInAsNewAccount(viewerPage, 'viewer');
    const viewerList = new PromptsListPage(viewerPage);
    await viewerList.goto();
    await viewerList.search().fill(p.id);
    await expect(viewerList.row(p.id)).toBeVisible();
    await expect(viewerPage.getByRole('button', { name: 'Import', exact: true })).toHaveCount(0);
    await expect(viewerPage.getByRole('link', { name: 'New prompt' })).toHaveCount(0);
    await expect(viewerList.row(p.id).getByRole('button')).toHaveCount(0);
    await expect(viewerPage.getByRole('link', { name: 'Export YAML' })).toBeVisible();

    const viewerHistory = new PromptHistoryPage(viewerPage);
    await viewerHistory.goto(p.id);
    await expect(viewerHistory.version(1)).toBeVisible();
    await expect(viewerHistory.version(1).getByRole('button', { name: /Promote|Roll back/ })).toHaveCount(0);
    await expect(viewerPage.getByRole('form', { name: 'Set a label' })).toHaveCount(0);
  } finally {
    await viewerContext.close();
  }
});

test('import takes a file dropped on its drop zone and lists it before importing', async ({
  page,
  signInAs,
}) => {
  await signInAs('editor');
  const p = unique();
  const list = new PromptsListPage(page);
  await list.goto();
  await list.openImport();
  await list.dropFile(`${p.id}.yaml`, promptDocument({ ...p, user: 'Dropped' }));
  await expect(list.importDialog().getByRole('list', { name: 'Chosen files' })).toContainText(`${p.id}.yaml`);
  await list.importDialog().getByRole('button', { name: 'Import', exact: true }).click();
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);
});

/** Imports v1 and v2 of a fresh prompt through the list's import dialog. */
async function seedTwoVersions(list: PromptsListPage) {
  const p = unique();
  await list.goto();
  await list.importText(promptDocument({ ...p, user: 'First' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);
  await list.importText(promptDocument({ ...p, user: 'Second' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v2.`);
  await list.closeImport();
  return p;
}

test('typing production into "Set label" asks the Promote question and moves nothing until confirmed', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(90_000);
  await signInAs('editor');
  const p = await seedTwoVersions(new PromptsListPage(page));
  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  await expect(page).toHaveTitle(`${p.name} · History · Loom Studio`);
  // No closed dialog with a half-made name waits in the page; buttons name their version.
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(history.version(1).getByRole('button', { name: 'Compare v1' })).toBeVisible();
  await history.moveProduction(1, 'Promote');

  await history.setLabel(' Production ', 2);
  const question = history.dialog('Promote v2 to production?');
  await expect(question).toContainText('Production serves v1 now');
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.locator('dialog')).toHaveCount(0);
  await expect(history.version(1).getByTestId('version-label-production')).toBeVisible();
  await expect(history.version(2).getByTestId('version-label-production')).toHaveCount(0);

  await history.setLabel('production', 2);
  await history.dialog('Promote v2 to production?').getByRole('button', { name: 'Promote' }).click();
  await expect(history.version(2).getByTestId('version-label-production')).toBeVisible();
  await expect(history.auditEntries().first()).toContainText('moved production from v1 to v2');

  // Ordinary labels still move at once.
  await history.setLabel('canary', 1);
  await expect(history.version(1).getByTestId('version-label-canary')).toBeVisible();
});

test('archiving a prompt that serves production asks first, can be undone, and takes its tag out of the filter', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(90_000);
  await signInAs('editor');
  const list = new PromptsListPage(page);
  const p = await seedTwoVersions(list);
  await new PromptHistoryPage(page).goto(p.id);
  await new PromptHistoryPage(page).moveProduction(2, 'Promote');

  await list.goto();
  await list.search().fill(p.id);
  await expect(list.rows()).toHaveCount(1);
  expect(await list.tagOptions()).toContain(p.tag);
  await list.archiveButton(p.name).click();
  const question = page.getByRole('dialog', { name: `Archive ${p.name}?` });
  await expect(question).toContainText('It serves v2 in production');
  await question.getByRole('button', { name: 'Cancel' }).click();
  await expect(list.row(p.id)).toBeVisible();

  await list.archiveButton(p.name).click();
  await question.getByRole('button', { name: 'Archive' }).click();
  await expect(list.rows()).toHaveCount(0);
  await expect(list.archivedNote()).toContainText(`Archived ${p.name}.`);
  await expect(list.archivedNote().getByRole('button', { name: 'Undo' })).toBeFocused();
  await expect.poll(() => list.tagOptions()).not.toContain(p.tag);

  await list.archivedNote().getByRole('button', { name: 'Undo' }).click();
  await expect(list.row(p.id)).toBeVisible();
  await expect(list.row(p.id)).not.toContainText('archived');
  await expect.poll(() => list.tagOptions()).toContain(p.tag);
});

test('a new prompt takes its name first, derives the id, reports an empty submit and can be cancelled', async ({
  page,
  signInAs,
}) => {
  await signInAs('editor');
  const form = new NewPromptPage(page);
  await form.goto();
  await expect(form.id()).toHaveAttribute('placeholder', 'derived from the name');

  await form.submit();
  await expect(form.form()).toContainText('Give the prompt a name.');
  await expect(form.name()).toHaveAttribute('aria-invalid', 'true');
  await expect(form.name()).toBeFocused();

  const suffix = randomBytes(3).toString('hex');
  await form.name().fill(`Refund Reply ${suffix}`);
  await expect(form.id()).toHaveValue(`refund-reply-${suffix}`);
  await form.id().fill(`refunds-${suffix}`);
  await form.name().fill(`Refund answer ${suffix}`);
  await expect(form.id()).toHaveValue(`refunds-${suffix}`);

  await form.form().getByRole('link', { name: 'Cancel' }).click();
  await expect(page).toHaveURL(/\/prompts$/);

  await form.goto();
  await form.name().fill(`Billing: Late fee ${suffix}`);
  await form.submit();
  await expect(page.getByRole('heading', { name: `Billing: Late fee ${suffix}` })).toBeVisible();
  await expect(page.locator('header code')).toHaveText(`billing-late-fee-${suffix}`);
});

test('on a phone, the history table scrolls in its own box and promote and roll back work', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(90_000);
  await signInAs('editor');
  const p = await seedTwoVersions(new PromptsListPage(page));
  await page.setViewportSize({ width: 390, height: 844 });
  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  const versions = page
    .locator('section')
    .filter({ has: page.getByRole('heading', { name: 'Versions', exact: true }) });
  // The card keeps to its width: whatever is wider scrolls inside it.
  expect(await versions.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const box = await versions.boundingBox();
  expect((box?.x ?? 0) + (box?.width ?? Infinity)).toBeLessThanOrEqual(390);
  await history.moveProduction(2, 'Promote');
  await history.moveProduction(1, 'Roll back');
  await page.screenshot({ path: 'e2e/screenshots/history-390.png', fullPage: true });
});

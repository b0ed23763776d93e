import { randomBytes } from 'node:crypto';
import { createAccount } from './support/accounts';
import { expect, test } from './support/fixtures';
import { SignInPage, StudioShell } from './support/pages';
import { PromptHistoryPage, PromptsListPage, promptDocument } from './support/prompts-pages';

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

  // Archive hides it until "Show archived"; Unarchive brings it back.
  await list
    .row(p.id)
    .getByRole('button', { name: `Archive ${p.name}` })
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
    const viewer = await createAccount('viewer');
    const signIn = new SignInPage(viewerPage);
    await signIn.goto();
    await signIn.signIn(viewer.email, viewer.password);
    await expect(new StudioShell(viewerPage).userName()).toHaveText(viewer.name);
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

import { randomBytes } from 'node:crypto';
import type { Page } from '@playwright/test';
import { callAction } from './support/actions';
import { productionOf, withSeededWorkspace } from './support/database';
import { expect, test } from './support/fixtures';
import { signInAsNewAccount } from './support/pages';
import { PromptHistoryPage, PromptsListPage, promptDocument } from './support/prompts-pages';
import { useTheme } from './support/screens';

const unique = () => {
  const id = `gate-${randomBytes(4).toString('hex')}`;
  return { id, name: `Gate ${id}`, tag: id };
};

/** A new prompt with versions 1 and 2, imported through the prompts list. */
async function importTwoVersions(page: Page) {
  const p = unique();
  const list = new PromptsListPage(page);
  await list.goto();
  await list.importText(promptDocument({ ...p, user: 'First' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v1.`);
  await list.importText(promptDocument({ ...p, user: 'Second' }));
  await expect(list.importDialog().getByRole('status')).toHaveText(`Imported ${p.id} v2.`);
  await list.closeImport();
  return p;
}

/** A suite of the prompt and one finished run of it on `version`, written as the run engine does. */
async function seedSuiteRun(
  promptId: string,
  version: number,
  passing: number,
  total: number,
  existingSuiteId?: string,
) {
  return withSeededWorkspace(async (client, workspaceId) => {
    const suiteId = existingSuiteId ?? `suite-${randomBytes(4).toString('hex')}`;
    const runId = `run-${randomBytes(4).toString('hex')}`;
    const suiteName = `Checks for ${promptId}`;
    if (!existingSuiteId) {
      await client.query(
        `INSERT INTO "Suite" ("workspaceId", id, name, "promptId", revision, "updatedAt") VALUES ($1, $2, $3, $4, 1, now())`,
        [workspaceId, suiteId, suiteName, promptId],
      );
    }
    await client.query(
      `INSERT INTO "EvalRun" ("workspaceId", id, "suiteId", "suiteRevision", "promptId", "promptVersion", "batchId",
         provider, model, concurrency, status, total, "startedAt", "finishedAt")
       VALUES ($1, $2, $3, 1, $4, $5, $2, 'simulator', 'sim-1', 4, 'completed', $6, now(), now())`,
      [workspaceId, runId, suiteId, promptId, version, total],
    );
    await client.query(
      `INSERT INTO "SuiteRun" ("workspaceId", id, "suiteId", status, "startedAt", "finishedAt") VALUES ($1, $2, $3, 'done', now(), now())`,
      [workspaceId, runId, suiteId],
    );
    for (let i = 0; i < total; i++) {
      await client.query(
        `INSERT INTO "SuiteCaseResult" ("workspaceId", "runId", "caseId", result, pass) VALUES ($1, $2, $3, '{}', $4)`,
        [workspaceId, runId, `case-${i}`, i < passing],
      );
    }
    return { suiteId, suiteName, runId };
  });
}

test('a release gate refuses a failing version until an admin overrides it with a reason; viewers cannot', async ({
  page,
  browser,
  signInAs,
}) => {
  test.setTimeout(120_000);
  await signInAs('admin');
  const p = await importTwoVersions(page);

  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  await history.moveProduction(1, 'Promote');
  const { suiteName, runId, suiteId } = await seedSuiteRun(p.id, 2, 5, 10);

  // The admin sets the gate: the suite, at least 80%.
  await page.reload();
  const gateForm = page.getByRole('form', { name: 'Release gate' });
  await gateForm.getByRole('combobox', { name: 'Suite' }).selectOption({ label: suiteName });
  await gateForm.getByLabel('Minimum pass rate (%)').fill('80');
  await gateForm.getByRole('button', { name: 'Save gate' }).click();
  await expect(gateForm.getByRole('status')).toHaveText('Gate saved.');
  await expect(page.getByTestId('gate-summary')).toContainText(
    `Production needs a finished run of suite “${suiteName}” on the version with a pass rate of at least 80%.`,
  );
  await expect(history.auditEntries().first()).toContainText(
    `set the release gate on suite “${suiteName}”: pass rate ≥ 80%`,
  );

  // v2 fails it: the dialog says why, links the run, and Promote is disabled.
  await history.version(2).getByRole('button', { name: 'Promote v2' }).click();
  const dialog = history.dialog('Promote v2 to production?');
  await expect(dialog.getByTestId('gate-verdict')).toHaveText('failed');
  await expect(dialog.getByTestId('gate-check')).toContainText(
    `Pass rate 50% (5 of 10 cases) on suite “${suiteName}” is below the minimum of 80%.`,
  );
  await expect(dialog.getByRole('link', { name: 'Open the run' })).toHaveAttribute(
    'href',
    `/suites/${suiteId}/runs/${runId}`,
  );
  await expect(dialog.getByRole('button', { name: 'Promote', exact: true })).toBeDisabled();
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'e2e/screenshots/gate.png' });

  // The override asks for a reason, and the audit log keeps it.
  const actionIds: string[] = [];
  page.on('request', (request) => {
    const id = request.headers()['next-action'];
    if (id && request.method() === 'POST') actionIds.push(id);
  });
  await dialog.getByRole('button', { name: 'Override and promote…' }).click();
  const reason = 'Hotfix for the refund outage; the suite is being rewritten.';
  const override = dialog.getByRole('button', { name: 'Override and promote', exact: true });
  await dialog.getByLabel('Why promote despite the gate?').fill('too short');
  await expect(override).toBeDisabled();
  await dialog.getByLabel('Why promote despite the gate?').fill(reason);
  await override.click();
  await expect(dialog).toBeHidden();
  await expect(history.version(2).getByTestId('version-label-production')).toBeVisible();
  const entry = history.auditEntries().first();
  await expect(entry).toContainText('moved production from v1 to v2 overriding the release gate');
  await expect(entry.getByTestId('gate-override')).toContainText(`Reason: ${reason}`);
  await expect(entry.getByTestId('gate-override')).toContainText('Minimum pass rate failed: Pass rate 50%');
  await page.screenshot({ path: 'e2e/screenshots/gate-audit.png', fullPage: true });
  const promoteActionId = actionIds.at(-1);
  expect(promoteActionId).toBeTruthy();

  // A viewer sees the gate but no promote, override or gate controls; a forged call is refused.
  const viewerContext = await browser.newContext();
  try {
    const viewerPage = await viewerContext.newPage();
    await signInAsNewAccount(viewerPage, 'viewer');
    const viewerHistory = new PromptHistoryPage(viewerPage);
    await viewerHistory.goto(p.id);
    await expect(viewerPage.getByTestId('gate-summary')).toContainText(suiteName);
    await expect(viewerPage.getByText('Only an admin can change the gate.')).toBeVisible();
    await expect(
      viewerPage.getByRole('button', { name: /Promote|Roll back|Override|Save gate/ }),
    ).toHaveCount(0);
    const forged = await callAction(viewerPage, promoteActionId ?? '', [
      { promptId: p.id, version: 1, overrideReason: 'A viewer trying to move production.' },
    ]);
    expect(forged).toContain('FORBIDDEN');
    expect(await productionOf(p.id)).toBe(2);
  } finally {
    await viewerContext.close();
  }

  // An editor cannot override either, even by calling the action directly.
  const editorContext = await browser.newContext();
  try {
    const editorPage = await editorContext.newPage();
    await signInAsNewAccount(editorPage, 'editor');
    const editorHistory = new PromptHistoryPage(editorPage);
    await editorHistory.goto(p.id);
    // v1 has no run of the suite: rolling back is refused with the reason, and no override is offered.
    await editorHistory.version(1).getByRole('button', { name: 'Roll back to v1' }).click();
    const rollback = editorHistory.dialog('Roll back production to v1?');
    await expect(rollback.getByTestId('gate-check')).toContainText(
      `No finished run of suite “${suiteName}” on v1. Run the suite on v1 first.`,
    );
    await expect(rollback.getByRole('button', { name: /Override/ })).toHaveCount(0);
    await expect(rollback.getByRole('button', { name: 'Roll back', exact: true })).toBeDisabled();
    const forged = await callAction(editorPage, promoteActionId ?? '', [
      { promptId: p.id, version: 1, overrideReason: 'An editor trying to skip the gate.' },
    ]);
    expect(forged).toContain('FORBIDDEN');
    const refused = await callAction(editorPage, promoteActionId ?? '', [{ promptId: p.id, version: 1 }]);
    expect(refused).toContain('GATE_FAILED');
    expect(await productionOf(p.id)).toBe(2);
  } finally {
    await editorContext.close();
  }
});

test('the promote dialog with a failing gate fits a phone in the dark theme', async ({ page, signInAs }) => {
  test.setTimeout(90_000);
  await useTheme(page, 'dark');
  await signInAs('admin');
  const p = await importTwoVersions(page);
  const history = new PromptHistoryPage(page);
  await history.goto(p.id);
  await history.moveProduction(1, 'Promote');
  const { suiteName, suiteId } = await seedSuiteRun(p.id, 2, 9, 10);
  await seedSuiteRun(p.id, 1, 10, 10, suiteId);
  await page.reload();
  const gateForm = page.getByRole('form', { name: 'Release gate' });
  await gateForm.getByRole('combobox', { name: 'Suite' }).selectOption({ label: suiteName });
  await gateForm.getByLabel('Minimum pass rate (%)').fill('95');
  await gateForm.getByLabel(/No significant regression/).check();
  await gateForm.getByRole('button', { name: 'Save gate' }).click();
  await expect(gateForm.getByRole('status')).toHaveText('Gate saved.');

  await page.setViewportSize({ width: 390, height: 844 });
  await history.version(2).getByRole('button', { name: 'Promote v2' }).click();
  const dialog = history.dialog('Promote v2 to production?');
  await expect(dialog.getByTestId('gate-check')).toHaveCount(2);
  await expect(dialog.getByTestId('gate-check').nth(1)).toContainText(
    'No significant regression against production v1: 1 case passing on v1 fails on v2, 0 the other way, of 10 paired cases; p = 1.000.',
  );
  await expect(dialog.getByRole('link', { name: 'Compare with production’s run' })).toBeVisible();
  await dialog.getByRole('button', { name: 'Override and promote…' }).click();
  await page.screenshot({ path: 'e2e/screenshots/gate-390-dark.png' });
  const width = await page.evaluate(() => document.scrollingElement?.scrollWidth ?? 0);
  expect(width).toBeLessThanOrEqual(390);
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await page.screenshot({ path: 'e2e/screenshots/gate-settings-390-dark.png', fullPage: true });
});

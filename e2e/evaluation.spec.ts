import { randomBytes } from 'node:crypto';
import { ComparePage } from './support/compare-pages';
import { expect, test } from './support/fixtures';
import { signInAsNewAccount } from './support/pages';
import { PromptHistoryPage, PromptsListPage } from './support/prompts-pages';
import { RunPage } from './support/runs';
import { NewSuitePage, SuiteCasesPage, SuiteEvaluatorsPage } from './support/suites-pages';

// The whole evaluation loop on real background runs: the job queue, the simulator as provider and
// judge (lib/adapters/fake-llm/demo-rules.ts: a prompt without label definitions classifies 12 of
// the 20 demo messages right, one with definitions 18, and the judge agrees with the labels).

const LABELS = 'billing, bug, feature-request, other';

function routerDocument(id: string, name: string, system: string): string {
  return [
    `id: ${id}`,
    `name: ${name}`,
    'description: Routes a customer message (evaluation e2e)',
    'tags: [e2e]',
    `system: "${system}"`,
    'user: "{{ text }}"',
    'variables:',
    '  - name: text',
    '    type: string',
    '    required: true',
    // The demo prompt's second variable, so its exported cases (with an empty column) fit.
    '  - name: intents',
    '    type: list',
    '    required: false',
    'model:',
    '  provider: simulator',
    '  model: gpt-4o-mini',
    '  temperature: 0',
    '',
  ].join('\n');
}

test('a suite from CSV runs against two versions in the background, explains a failure, flags the regression and gates promotion', async ({
  page,
  browser,
  signInAs,
}) => {
  test.setTimeout(240_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  await signInAs('admin');
  const suffix = randomBytes(4).toString('hex');
  const prompt = { id: `e2e-router-${suffix}`, name: `Router ${suffix}` };

  // Two versions: v2 gives the model definitions of the labels.
  const prompts = new PromptsListPage(page);
  await prompts.goto();
  await prompts.importText(
    routerDocument(
      prompt.id,
      prompt.name,
      `Classify the intent of the message as one of: ${LABELS}. Answer with the label only.`,
    ),
  );
  await expect(prompts.importDialog().getByRole('status')).toHaveText(`Imported ${prompt.id} v1.`);
  await prompts.importText(
    routerDocument(
      prompt.id,
      prompt.name,
      `Classify the intent of the message as one of: ${LABELS}, following these definitions: billing is about money, bug is something broken, feature-request asks for something new, other is the rest. Answer with the label only.`,
    ),
  );
  await expect(prompts.importDialog().getByRole('status')).toHaveText(`Imported ${prompt.id} v2.`);
  await prompts.closeImport();

  // The demo suite's cases, exported as CSV, are this suite's cases.
  await page.goto('/suites');
  const demoHref = await page.getByRole('link', { name: 'Intent routing', exact: true }).getAttribute('href');
  const exported = await page.request.get(`/api${demoHref}/export?format=csv`);
  expect(exported.ok()).toBe(true);
  const csv = await exported.text();

  const suiteName = `Routing checks ${suffix}`;
  await new NewSuitePage(page).create(suiteName, `${prompt.name} (${prompt.id})`);
  const suiteUrl = new URL(page.url()).pathname;
  const cases = new SuiteCasesPage(page);

  // A file with a repeated id is refused with its row, and nothing is saved.
  await cases.importFile(
    'bad.csv',
    'id,text,expected\nq1,I was charged twice,billing\nq1,The app crashes,bug\n',
  );
  await expect(cases.importDialog().getByTestId('import-problems')).toContainText('Row 3, column "id"');
  await expect(cases.revision()).toHaveText('revision 1');
  await cases.importFile('intent.csv', csv);
  await expect(cases.importDialog().getByRole('status')).toContainText('Imported 20 cases');
  await cases.importDialog().getByRole('button', { name: 'Done' }).click();
  await expect(cases.revision()).toHaveText('revision 2');

  // Exact match (the default) and the demo's LLM judge, whose rubric is a registry prompt.
  const evaluators = new SuiteEvaluatorsPage(page);
  await evaluators.goto(suiteUrl);
  await evaluators.add('LLM judge');
  await evaluators
    .evaluators()
    .nth(1)
    .getByLabel('Rubric prompt')
    .selectOption({ label: 'Intent judge (intent-judge)' });
  await evaluators.save();
  await expect(page.getByText('Saved as revision 3.')).toBeVisible();

  // Both versions run at once, one case at a time each, so the progress can be watched.
  await page.goto(`${suiteUrl}/runs`);
  const start = page.getByRole('form', { name: 'Start a run' });
  await start.getByRole('checkbox', { name: 'v1' }).check();
  await start.getByRole('checkbox', { name: 'v2' }).check();
  await start.getByLabel('Concurrency').fill('1');
  await start.getByRole('button', { name: 'Start 2 runs' }).click();
  const started = start.getByRole('status');
  await expect(started).toContainText('Started');
  const v1Href = await started.getByRole('link', { name: 'v1' }).getAttribute('href');
  const v2Href = await started.getByRole('link', { name: 'v2' }).getAttribute('href');
  const runId = (href: string | null) => href!.split('/').at(-1)!;

  await page.goto(v1Href!);
  const progress = page.getByRole('progressbar', { name: 'Cases done' });
  await expect(progress).toHaveAttribute('aria-valuenow', /^(?:[1-9]|1\d)$/, { timeout: 30_000 });
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
  const runPage = new RunPage(page);
  await expect(runPage.stat('pass-rate')).toContainText('60% (95% CI');
  await expect(runPage.stat('pass-rate')).toContainText('12 passed · 8 failed · 0 errored of 20');

  // A failing case explains itself: the judge's rationale and its raw reply.
  await runPage.filter('Failed').click();
  await expect(runPage.rows()).toHaveCount(8);
  await runPage.openCase('billing-page-error');
  const drawer = runPage.drawer();
  await expect(drawer.getByTestId('judge-rationale')).toContainText(
    'expected "bug" but the response says "billing"',
  );
  await expect(drawer).toContainText('VERDICT: FAIL');
  await page.keyboard.press('Escape');

  // v2 against the baseline v1 improves; v1 against v2 is a significant regression.
  await page.goto(`${v2Href}`);
  await expect(page.getByTestId('run-status')).toHaveText('completed', { timeout: 90_000 });
  const compare = new ComparePage(page);
  await page.goto(`${suiteUrl}/compare?baseline=${runId(v2Href)}&runs=${runId(v1Href)}`);
  await expect(compare.metric('passRate')).toContainText('Significant regression');
  await expect(compare.rows().first()).toHaveAttribute('data-flag', 'regression');
  await expect(page.getByTestId('case-counts')).toHaveText('20 cases · 6 regressed · 0 improved');

  // A reviewer overrides a verdict the judge and the label check both got wrong, with a reason.
  await page.goto(`${v1Href}?case=dark-mode-unreadable`);
  const review = runPage.drawer().getByRole('form', { name: 'Review' });
  await review.getByRole('radio', { name: 'Pass' }).check();
  await review.getByRole('textbox', { name: /Reason/ }).fill('Unreadable text in dark mode is a bug report.');
  await review.getByRole('button', { name: 'Save review' }).click();
  await expect(review.getByRole('status')).toHaveText('Review saved. The totals above include it.');
  await expect(runPage.stat('overridden')).toContainText('1 verdict overridden by reviewers');

  // A gate of 80% on this suite refuses v1 (60% and a review: 65%) until an admin overrides it.
  const history = new PromptHistoryPage(page);
  await history.goto(prompt.id);
  const gateForm = page.getByRole('form', { name: 'Release gate' });
  await gateForm.getByRole('combobox', { name: 'Suite' }).selectOption({ label: suiteName });
  await gateForm.getByLabel('Minimum pass rate (%)').fill('80');
  await gateForm.getByRole('button', { name: 'Save gate' }).click();
  await expect(gateForm.getByRole('status')).toHaveText('Gate saved.');
  await history.version(1).getByRole('button', { name: 'Promote v1' }).click();
  const dialog = page.getByRole('dialog', { name: 'Promote v1 to production?' });
  await expect(dialog.getByTestId('gate-verdict')).toHaveText('failed');
  await expect(dialog.getByTestId('gate-check')).toContainText('Pass rate 65% (13 of 20 cases)');
  await expect(dialog.getByRole('button', { name: 'Promote', exact: true })).toBeDisabled();
  await dialog.getByRole('button', { name: 'Override and promote…' }).click();
  const reason = 'Routing v1 stays while the definitions are reviewed by support.';
  await dialog.getByLabel('Why promote despite the gate?').fill(reason);
  await dialog.getByRole('button', { name: 'Override and promote', exact: true }).click();
  await expect(dialog).toBeHidden();
  await expect(history.version(1).getByTestId('version-label-production')).toBeVisible();
  await expect(history.auditEntries().first().getByTestId('gate-override')).toContainText(
    `Reason: ${reason}`,
  );

  // A viewer reads the runs but gets no start, cancel or review controls.
  const viewerContext = await browser.newContext();
  try {
    const viewerPage = await viewerContext.newPage();
    await signInAsNewAccount(viewerPage, 'viewer');
    await viewerPage.goto(`${suiteUrl}/runs`);
    await expect(viewerPage.getByRole('link', { name: 'v1', exact: true })).toBeVisible();
    await expect(viewerPage.getByRole('form', { name: 'Start a run' })).toHaveCount(0);
    await viewerPage.goto(`${v1Href}?case=double-charge`);
    await expect(viewerPage.getByRole('dialog')).toContainText('double-charge');
    await expect(viewerPage.getByRole('form', { name: 'Review' })).toHaveCount(0);
    await expect(viewerPage.getByRole('button', { name: 'Cancel run' })).toHaveCount(0);
  } finally {
    await viewerContext.close();
  }
});

import { expect, test } from './support/fixtures';
import { RunPage, seedFinishedRun } from './support/runs';
import { checkScreen, useTheme } from './support/screens';

test('reads a finished run, opens a failing case and overrides its verdict', async ({ page, signInAs }) => {
  const run = await seedFinishedRun();
  await signInAs('editor');
  await page.setViewportSize({ width: 1440, height: 900 });
  const runPage = new RunPage(page);
  await runPage.goto(run);

  await expect(page.getByRole('heading', { level: 2, name: 'Run of Support reply v1' })).toBeVisible();
  await expect(page.getByRole('link', { name: `← Runs of ${run.suiteName}` })).toBeVisible();
  await expect(page.getByTestId('run-status')).toHaveText('completed with errors');
  // 60 cases: 12 fail the judge, 1 errored, 47 pass.
  await expect(runPage.stat('pass-rate')).toContainText('78% (95% CI');
  await expect(runPage.stat('pass-rate')).toContainText('47 passed · 12 failed · 1 errored of 60');
  await expect(runPage.stat('cost')).toContainText('$0.002773 / $0.004248');
  await expect(runPage.stat('overridden')).toContainText('0 verdicts overridden by reviewers');
  await expect(page.getByRole('link', { name: 'Compare with…' })).toHaveAttribute(
    'href',
    `/suites/${run.suiteId}/compare?baseline=${run.runId}`,
  );
  await expect(page.getByTestId('case-count')).toHaveText('60 cases · page 1 of 2');
  await page.screenshot({ path: 'e2e/screenshots/run.png', fullPage: true });

  await runPage.filter('Failed').click();
  await expect(page.getByTestId('case-count')).toHaveText('12 cases');
  await expect(runPage.rows()).toHaveCount(12);

  const caseId = run.failedCaseIds[0]!;
  await runPage.openCase(caseId);
  const drawer = runPage.drawer();
  await expect(drawer.getByRole('heading', { name: `Case ${caseId}` })).toBeVisible();
  await expect(page).toHaveURL(new RegExp(`[?&]case=${caseId}`));
  await expect(drawer.getByTestId('judge-rationale')).toHaveText(
    'The reply sends customer 3 to the courier instead of offering the refund.',
  );
  await expect(drawer.getByRole('list', { name: 'Messages sent' })).toContainText('Customer 3 writes');
  await expect(drawer.getByTestId('case-output')).toContainText('Please contact the courier.');
  await page.screenshot({ path: 'e2e/screenshots/run-case.png' });

  const review = drawer.getByRole('form', { name: 'Review' });
  await review.getByRole('radio', { name: 'Pass' }).check();
  await review.getByRole('textbox', { name: /Reason/ }).fill('The courier handles refunds for this shop.');
  await review.getByRole('button', { name: 'Save review' }).click();
  await expect(review.getByRole('status')).toHaveText('Review saved. The totals above include it.');
  // The figures behind the drawer are the server's, recomputed with the review.
  await expect(runPage.stat('overridden')).toContainText('1 verdict overridden by reviewers');

  await page.keyboard.press('Escape');
  await expect(drawer).toBeHidden();
  await expect(page).not.toHaveURL(/case=/);
  await expect(runPage.stat('overridden')).toContainText('1 verdict overridden by reviewers');
  await expect(runPage.stat('pass-rate')).toContainText('48 passed · 11 failed · 1 errored of 60');
  await expect(page.getByTestId('judge-agreement')).toContainText('from 1 reviewed case (0 agree)');
  await expect(page.getByTestId('judge-agreement')).toContainText('Review more cases');

  await runPage.filter('Overridden').click();
  await expect(runPage.rows()).toHaveCount(1);
  await expect(runPage.rows().first()).toContainText('reviewed (was fail)');
});

test('a linked case opens in the drawer; a viewer reads it without a review form', async ({
  page,
  signInAs,
}) => {
  const run = await seedFinishedRun();
  await signInAs('viewer');
  const runPage = new RunPage(page);
  await runPage.goto(run, 'refund-07');
  const drawer = runPage.drawer();
  await expect(drawer.getByRole('heading', { name: 'Case refund-07' })).toBeVisible();
  await expect(drawer).toContainText('PROVIDER_ERROR: The provider answered HTTP 503 three times.');
  await expect(drawer.getByRole('form', { name: 'Review' })).toHaveCount(0);
  await drawer.getByRole('button', { name: 'Close case' }).click();
  await expect(drawer).toBeHidden();
  await runPage.filter('Errored').click();
  await expect(runPage.rows()).toHaveCount(1);
});

test('the run page fits a phone in the dark theme', async ({ page, signInAs }) => {
  const run = await seedFinishedRun();
  await useTheme(page, 'dark');
  await signInAs('editor');
  await page.setViewportSize({ width: 390, height: 844 });
  const runPage = new RunPage(page);
  await runPage.goto(run);
  await expect(page.getByTestId('case-count')).toHaveText('60 cases · page 1 of 2');
  await checkScreen(page, 'run', 'dark');
  await runPage.openCase('refund-03');
  await expect(runPage.drawer().getByTestId('judge-rationale')).toBeVisible();
  await page.screenshot({ path: 'e2e/screenshots/run-case-390-dark.png' });
});

import { expect, test } from './support/fixtures';
import { ComparePage } from './support/compare-pages';
import { seedComparison } from './support/compare-seed';
import { checkScreen, useTheme } from './support/screens';

test('comparing a candidate that lost many passes shows a significant regression, flipped rows first and the output diff', async ({
  page,
  signInAs,
}) => {
  test.setTimeout(60_000);
  const seeded = await seedComparison();
  await signInAs('viewer');
  const compare = new ComparePage(page);

  // A run that does not exist is refused in words, and the picker stays to choose again.
  await compare.goto(seeded.suiteId, { baseline: seeded.baselineId, runs: 'no-such-run' });
  await expect(page.getByRole('alert').filter({ hasText: 'no-such-run' })).toHaveText(
    'Run "no-such-run" not found',
  );
  await expect(page.getByRole('region', { name: 'Finished runs' })).toBeVisible();

  // Without runs chosen, the picker lists the suite's finished runs with their pass rates.
  await compare.goto(seeded.suiteId);
  await expect(page.getByRole('region', { name: 'Finished runs' })).toContainText('93.3%');
  await page.getByRole('radio', { name: /^Baseline: v1 / }).check();
  await page.getByRole('checkbox', { name: /^Compare: v2 / }).check();
  await page.getByRole('button', { name: 'Compare' }).click();
  await expect(page).toHaveURL(new RegExp(`baseline=${seeded.baselineId}`));
  expect(new URL(page.url()).searchParams.getAll('runs')).toEqual([seeded.candidateId]);

  const passRate = compare.metric('passRate');
  await expect(passRate).toContainText('Significant regression');
  await expect(passRate.getByTestId('evidence')).toHaveText(
    'McNemar exact test, 30 shared cases: 12 lost, 1 gained, p = 0.003',
  );
  await expect(compare.metric('score')).toContainText('Mean judge score');
  await expect(compare.metric('costTarget')).toContainText('+$0.000054');
  await expect(compare.metric('costJudge')).toContainText('No detectable change');
  await expect(compare.metric('latencyP95')).toContainText('Not tested');
  await expect(page.getByRole('link', { name: 'v1', exact: true }).first()).toHaveAttribute(
    'href',
    `/suites/${seeded.suiteId}/runs/${seeded.baselineId}`,
  );

  // Flipped rows first: the 12 regressions in suite order, then the improvement.
  await expect(page.getByTestId('case-counts')).toHaveText('30 cases · 12 regressed · 1 improved');
  await expect(compare.rows()).toHaveCount(30);
  await expect(compare.rows().first()).toHaveAttribute('data-flag', 'regression');
  await expect(compare.rows().first()).toContainText('case-03');
  await expect(compare.rows().nth(11)).toContainText('case-14');
  await expect(compare.rows().nth(12)).toHaveAttribute('data-flag', 'improvement');
  await expect(compare.rows().nth(12)).toContainText('case-21');
  await expect(compare.rows().nth(13)).toHaveAttribute('data-flag', 'same');

  await compare.changedOnly().check();
  await expect(compare.rows()).toHaveCount(13);
  await compare.search().fill('case-21');
  await expect(compare.rows()).toHaveCount(1);
  await compare.search().fill('');
  await expect(compare.rows()).toHaveCount(13);

  // The output diff of a regressed case: what the baseline said, struck through, what the candidate says.
  await compare.openCase('case-03');
  const detail = compare.detail();
  await expect(detail.getByTestId('output-diff').locator('del')).toContainText(['shipping', 'high']);
  await expect(detail.getByTestId('output-diff').locator('ins')).toContainText(['other', 'low']);
  await expect(detail).toContainText('Picks the wrong intent.');
  await expect(detail).toContainText('shipping'); // the expected answer
  await page.setViewportSize({ width: 1440, height: 900 });
  await page.screenshot({ path: 'e2e/screenshots/compare.png', fullPage: true });
});

for (const [width, theme] of [
  [390, 'light'],
  [1440, 'dark'],
] as const) {
  test(`the comparison fits ${width} px in the ${theme} theme`, async ({ page, signInAs }) => {
    test.setTimeout(60_000);
    const seeded = await seedComparison();
    await useTheme(page, theme);
    await page.setViewportSize({ width, height: 900 });
    await signInAs('viewer');
    const compare = new ComparePage(page);
    await compare.goto(seeded.suiteId, { baseline: seeded.baselineId, runs: seeded.candidateId });
    await expect(compare.rows()).toHaveCount(30);
    await compare.openCase('case-03');
    await expect(compare.detail().getByTestId('output-diff')).toBeVisible();
    await checkScreen(page, 'compare', theme);
  });
}

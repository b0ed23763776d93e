import { randomBytes } from 'node:crypto';
import { E2E_ADMIN } from './support/config';
import { withSeededWorkspace } from './support/database';
import { expect, test } from './support/fixtures';
import { SignInPage, StudioShell } from './support/pages';
import { PlaygroundPage } from './support/playground-pages';
import { PromptsListPage } from './support/prompts-pages';
import {
  NewSuitePage,
  SuiteCasesPage,
  SuiteEvaluatorsPage,
  typedPromptDocument,
} from './support/suites-pages';

test('an admin creates a suite, imports cases (a bad CSV is refused by row), edits a case and sets evaluators with a judge', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await page.setViewportSize({ width: 1440, height: 900 });
  const suffix = randomBytes(4).toString('hex');
  const target = { id: `e2e-answer-${suffix}`, name: `Answer questions ${suffix}` };
  const rubric = { id: `e2e-rubric-${suffix}`, name: `Helpfulness rubric ${suffix}` };

  const signIn = new SignInPage(page);
  await signIn.goto();
  await signIn.signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(new StudioShell(page).userName()).toBeVisible();

  // The target prompt and a judge rubric, seeded through the prompts import.
  const prompts = new PromptsListPage(page);
  await prompts.goto();
  await prompts.importText(
    typedPromptDocument({
      ...target,
      user: 'Answer in at most {{ max_words }} words: {{ question }}',
      variables: [
        { name: 'question', type: 'string', required: true },
        { name: 'max_words', type: 'number', required: false },
      ],
    }),
  );
  await expect(prompts.importDialog().getByRole('status')).toHaveText(`Imported ${target.id} v1.`);
  await prompts.importDialog().getByLabel('Or paste a prompt document').fill('');
  await prompts.importText(
    typedPromptDocument({
      ...rubric,
      user: 'Question: {{ input }} Answer: {{ actual }} Score 0-10 and say PASS or FAIL.',
      variables: [
        { name: 'input', type: 'string', required: true },
        { name: 'actual', type: 'string', required: true },
      ],
    }),
  );
  await expect(prompts.importDialog().getByRole('status')).toHaveText(`Imported ${rubric.id} v1.`);
  await prompts.closeImport();

  // The nav leads to the suites; create one for the target prompt.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Suites' }).click();
  await expect(page.getByRole('heading', { name: 'Suites', exact: true })).toBeVisible();
  const suiteName = `Support answers ${suffix}`;
  await new NewSuitePage(page).create(suiteName, `${target.name} (${target.id})`);
  const suiteUrl = new URL(page.url()).pathname;
  const cases = new SuiteCasesPage(page);
  await expect(page.getByRole('heading', { name: 'No cases yet' })).toBeVisible();
  await expect(cases.revision()).toHaveText('revision 1');

  // A CSV with a number that is not a number is refused with its row and column; nothing is saved.
  await cases.importFile(
    'bad.csv',
    'id,question,max_words\nq1,Where is my order?,20\nq2,Can I pay later?,abc\n',
  );
  await expect(cases.importDialog().getByTestId('import-problems')).toContainText(
    'Row 3, column "max_words": "max_words" must be a number',
  );
  await expect(cases.revision()).toHaveText('revision 1');

  // A good file is imported whole.
  await cases.importFile(
    'cases.csv',
    [
      'id,question,max_words,expected,tags',
      'q1,Where is my order?,20,It ships tomorrow.,orders|smoke',
      'q2,Can I pay later?,15,Yes: choose invoice at checkout.,billing',
      '"q3","How do I reset my password, quickly?",,Use the reset link.,account',
    ].join('\n'),
  );
  await expect(cases.importDialog().getByRole('status')).toContainText('Imported 3 cases');
  await cases.importDialog().getByRole('button', { name: 'Done' }).click();
  await expect(cases.rows()).toHaveCount(3);
  await expect(cases.revision()).toHaveText('revision 2');

  // Edit a case: a wrong type is refused at its field, then the fix is saved as a new revision.
  await page.getByRole('button', { name: 'Edit case q2' }).click();
  const dialog = cases.caseDialog();
  await dialog.getByLabel(/max_words/).fill('lots');
  await dialog.getByRole('button', { name: 'Save case' }).click();
  await expect(dialog.getByText('"max_words" must be a number')).toBeVisible();
  await dialog.getByLabel(/max_words/).fill('12');
  await dialog.getByLabel('Expected output').fill('Yes: pick "invoice" at checkout.');
  await dialog.getByRole('button', { name: 'Save case' }).click();
  await expect(dialog).toBeHidden();
  await expect(cases.row('q2')).toContainText('Yes: pick "invoice" at checkout.');
  await expect(cases.revision()).toHaveText('revision 3');

  // Search narrows the table on the server.
  await page.getByRole('searchbox', { name: 'Search' }).fill('password');
  await expect(cases.rows()).toHaveCount(1);
  await page.getByRole('searchbox', { name: 'Search' }).fill('');
  await expect(cases.rows()).toHaveCount(3);
  await page.screenshot({ path: 'e2e/screenshots/suite.png', fullPage: true });

  // Evaluators: a bad regex is refused at its field; then contains + judge are saved.
  const evaluators = new SuiteEvaluatorsPage(page);
  await evaluators.goto(suiteUrl);
  await expect(evaluators.evaluators()).toHaveCount(1);
  await evaluators.add('Regular expression');
  await evaluators.evaluators().nth(1).getByLabel('Pattern').fill('([a-z');
  await evaluators.add('LLM judge');
  const judge = evaluators.evaluators().nth(2);
  await judge.getByLabel('Rubric prompt').selectOption({ label: `${rubric.name} (${rubric.id})` });
  await judge.getByLabel('Rubric version').selectOption({ label: 'v1' });
  await judge.getByLabel('Samples (k)').fill('3');
  await judge.getByLabel('Threshold').fill('0.8');
  await evaluators.save();
  await expect(
    evaluators
      .evaluators()
      .nth(1)
      .getByText(/invalid regular expression/),
  ).toBeVisible();
  await evaluators.evaluators().nth(1).getByLabel('Pattern').fill('[a-z]');
  await evaluators.save();
  await expect(page.getByText('Saved as revision 4.')).toBeVisible();
  await expect(cases.revision()).toHaveText('revision 4');
  await expect(judge.getByRole('link', { name: 'Edit the rubric in the prompt editor' })).toHaveAttribute(
    'href',
    `/prompts/${rubric.id}`,
  );
  await page.screenshot({ path: 'e2e/screenshots/suite-evaluators.png', fullPage: true });

  // The revisions list has every edit; an older revision's cases open read-only.
  await page.getByRole('navigation', { name: 'Suite' }).getByRole('link', { name: 'Revisions' }).click();
  await expect(page.getByTestId('revision-row')).toHaveCount(4);
  await page.getByRole('link', { name: 'Cases of revision 2' }).click();
  await expect(page.getByTestId('read-only-revision')).toContainText('Revision 2 (read-only)');
  await expect(cases.row('q2')).toContainText('Yes: choose invoice at checkout.');
  await expect(page.getByRole('button', { name: 'Add case' })).toHaveCount(0);

  // "Save as test case" from a playground run (the demo workspace's simulator answers).
  const playground = new PlaygroundPage(page);
  await playground.goto(target.id);
  await playground.field('question').fill('Is there a student discount?');
  await playground.runButton().click();
  await expect(playground.status()).toHaveText('Done', { timeout: 15_000 });
  await page.getByRole('button', { name: 'Save as test case' }).click();
  const save = page.getByRole('dialog', { name: 'Save as test case' });
  await save.getByRole('button', { name: 'Save case' }).click();
  await expect(save.getByRole('status')).toContainText(`Saved as case-1 in ${suiteName}`);
  await save.getByRole('link', { name: suiteName }).click();
  await expect(cases.row('case-1')).toContainText('Is there a student discount?');
  await expect(cases.row('case-1')).toContainText('Simulated reply');

  // Name and description are edited from the header, as one more revision.
  await page.getByRole('button', { name: 'Edit details' }).click();
  const details = page.getByRole('dialog', { name: 'Suite details' });
  await details.getByLabel('Description').fill('Answers the support team checks before a release.');
  await details.getByRole('button', { name: 'Save' }).click();
  await expect(details).toBeHidden();
  await expect(page.getByText('Answers the support team checks before a release.')).toBeVisible();
  await expect(cases.revision()).toHaveText('revision 6');
});

test('a viewer reads a suite but sees no button that changes it, and a forged import is refused', async ({
  page,
  signInAs,
}) => {
  const suffix = randomBytes(4).toString('hex');
  const suiteId = `e2e-suite-${suffix}`;
  const name = `Viewer suite ${suffix}`;
  await withSeededWorkspace(async (client, workspaceId) => {
    const now = new Date();
    await client.query(
      `INSERT INTO "Suite" ("workspaceId", id, name, description, "promptId", revision, "updatedAt", "updatedBy")
       VALUES ($1, $2, $3, '', 'support-reply', 1, $4, 'e2e')`,
      [workspaceId, suiteId, name, now],
    );
    await client.query(
      `INSERT INTO "SuiteRevision" ("workspaceId", "suiteId", revision, evaluators, "caseCount", message, author, "createdAt")
       VALUES ($1, $2, 1, '[{"kind":"exactMatch","trim":true,"ignoreCase":false}]', 1, 'Created', 'e2e', $3)`,
      [workspaceId, suiteId, now],
    );
    await client.query(
      `INSERT INTO "SuiteCase" ("workspaceId", "suiteId", revision, "caseId", position, input, expected, tags, notes)
       VALUES ($1, $2, 1, 'only', 0, '{"customer_name":"Ada","message":"Hi"}', 'Hello Ada', '{smoke}', '')`,
      [workspaceId, suiteId],
    );
  });
  await signInAs('viewer');
  await page.goto('/suites');
  await expect(page.getByRole('link', { name: 'New suite' })).toHaveCount(0);
  await page.getByRole('link', { name }).click();
  const cases = new SuiteCasesPage(page);
  await expect(cases.row('only')).toContainText('Hello Ada');
  await expect(page.getByRole('link', { name: 'Export CSV' })).toBeVisible();
  for (const label of ['Add case', 'Import', 'Edit case only', 'Delete case only', 'Edit details']) {
    await expect(page.getByRole('button', { name: label, exact: true })).toHaveCount(0);
  }
  await page.getByRole('navigation', { name: 'Suite' }).getByRole('link', { name: 'Evaluators' }).click();
  await expect(page.getByTestId('evaluator')).toHaveCount(1);
  await expect(page.getByRole('button', { name: 'Save evaluators' })).toHaveCount(0);

  // The server refuses the viewer whatever the page shows.
  const forged = await page.evaluate(async (id) => {
    const response = await fetch(`/api/suites/${id}/import?format=csv&mode=replace&expectedRevision=1`, {
      method: 'POST',
      headers: { 'content-type': 'text/csv' },
      body: 'customer_name,message\nEve,Hi',
    });
    return { status: response.status, body: (await response.json()) as { message: string } };
  }, suiteId);
  expect(forged.status).toBe(403);
  expect(forged.body.message).toContain('cannot change suites');
});

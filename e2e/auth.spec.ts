import { E2E_ADMIN } from './support/config';
import { expect, test } from './support/fixtures';

test('an unauthenticated visit is sent to sign-in and comes back after signing in', async ({
  page,
  signInPage,
  shell,
}) => {
  await page.goto('/settings/members');
  await signInPage.expectVisible();
  await signInPage.signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/settings\/members$/);
  await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
  await expect(shell.workspaceName()).toHaveText('Demo workspace');
});

test('a wrong password shows a clear message and no session', async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn(E2E_ADMIN.email, 'not-the-password');
  await expect(signInPage.error()).toHaveText('Wrong email or password.');
  await page.goto('/');
  await signInPage.expectVisible();
});

test('signing in lands in the studio shell and signing out ends the session', async ({
  page,
  signInAs,
  shell,
  signInPage,
}) => {
  const account = await signInAs('editor');
  await expect(page).toHaveURL(/\/$/);
  await expect(shell.nav().getByRole('link', { name: 'Overview' })).toBeVisible();
  await expect(page.getByText(`Signed in as ${account.name} (editor).`)).toBeVisible();
  await shell.signOut();
  await signInPage.expectVisible();
  await page.goto('/');
  await signInPage.expectVisible();
});

test('repeated failed sign-ins lock the account for a while, even with the right password', async ({
  signInPage,
}) => {
  const { createAccount } = await import('./support/accounts');
  const account = await createAccount('viewer', 'throttled');
  await signInPage.goto();
  for (let attempt = 1; attempt <= 5; attempt++) {
    await signInPage.signIn(account.email, `wrong-${attempt}`);
    await expect(signInPage.error()).toBeVisible();
  }
  await expect(signInPage.error()).toContainText('Too many failed sign-ins');
  await signInPage.signIn(account.email, account.password);
  await expect(signInPage.error()).toContainText('Too many failed sign-ins');
});

test('a viewer sees only the screens its role may use', async ({ page, signInAs, shell }) => {
  await signInAs('viewer');
  await expect(shell.nav().getByRole('link', { name: 'Overview' })).toBeVisible();
  await expect(shell.nav().getByRole('link', { name: 'Members' })).toHaveCount(0);
  await page.goto('/settings/members');
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'Only workspace admins can manage members.',
  );
});

test('an admin adds a member who can then sign in with the given role', async ({
  page,
  signInAs,
  shell,
  signInPage,
}) => {
  await signInAs('admin');
  await page.goto('/settings/members');
  const email = `new-${Date.now()}@e2e.test`;
  const form = page.getByRole('form', { name: 'Add a member' });
  await form.getByLabel('Name').fill('New Person');
  await form.getByLabel('Email').fill(email);
  await form.getByLabel('Initial password').fill('short');
  await form.getByRole('button', { name: 'Add member' }).click();
  await expect(form.getByText('Use at least 10 characters.')).toBeVisible();
  await form.getByLabel('Initial password').fill('a-long-enough-password');
  await form.getByLabel('Role').selectOption('viewer');
  await form.getByRole('button', { name: 'Add member' }).click();
  await expect(page.getByRole('row', { name: new RegExp(email) })).toBeVisible();
  await shell.signOut();
  await signInPage.signIn(email, 'a-long-enough-password');
  await expect(shell.userName()).toHaveText('New Person');
});

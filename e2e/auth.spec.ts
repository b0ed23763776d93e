import type { Page } from '@playwright/test';
import { createAccount } from './support/accounts';
import { AccountPage, MembersPage } from './support/account-pages';
import { E2E_ADMIN } from './support/config';
import { expect, test } from './support/fixtures';
import { SignInPage } from './support/pages';

/** The one answer for a wrong password and a paused account (lib/server/auth/options.ts). */
const REFUSED = 'Wrong email or password. After repeated failures, sign-in pauses for a few minutes.';
/** Failures an account takes before it pauses (ACCOUNT_POLICY in lib/server/auth/throttle.ts). */
const ACCOUNT_BURST = 10;

/** Signs in and waits for the server's answer, so a message left by the previous attempt cannot pass for it. */
async function attemptSignIn(page: Page, email: string, password: string) {
  const answered = page.waitForResponse((r) => r.url().includes('/api/auth/callback/credentials'));
  await new SignInPage(page).signIn(email, password);
  await answered;
}

test('an unauthenticated visit is sent to sign-in and comes back after signing in', async ({
  page,
  signInPage,
  shell,
}) => {
  await page.goto('/settings/members');
  await signInPage.expectVisible();
  await signInPage.signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/\/settings\/members$/);
  await expect(page.getByRole('heading', { name: 'Members', exact: true })).toBeVisible();
  await expect(shell.workspaceName()).toHaveText('Demo workspace');
});

test('a callback URL that leaves the studio lands on the overview instead', async ({ page, signInPage }) => {
  // A tab after the first slash makes the browser read `//evil.example/x`: another host.
  await signInPage.goto('/sign-in?callbackUrl=/%09/evil.example/x');
  await signInPage.signIn(E2E_ADMIN.email, E2E_ADMIN.password);
  await expect(page).toHaveURL(/^http:\/\/127\.0\.0\.1:\d+\/$/);
  await expect(page.getByRole('link', { name: 'Overview' })).toBeVisible();
});

test('an empty sign-in says what is missing without asking the server', async ({ page, signInPage }) => {
  const posts: string[] = [];
  page.on('request', (request) => {
    if (request.method() === 'POST') posts.push(request.url());
  });
  await signInPage.goto();
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByText('Enter your email address.')).toBeVisible();
  await expect(page.getByText('Enter your password.')).toBeVisible();
  await expect(page.getByLabel('Email')).toBeFocused();
  expect(posts).toEqual([]);
});

test('a wrong password shows a clear message and no session', async ({ page, signInPage }) => {
  await signInPage.goto();
  await signInPage.signIn(E2E_ADMIN.email, 'not-the-password');
  await expect(signInPage.error()).toHaveText(REFUSED);
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

test('repeated failures pause an account with the same message as a wrong password, until an admin unlocks it', async ({
  browser,
  page,
  signInPage,
  shell,
}) => {
  test.slow(); // eleven sign-ins, each a deliberately slow hash, and a second browser
  const account = await createAccount('viewer', 'throttled');
  await signInPage.goto();
  for (let attempt = 1; attempt <= ACCOUNT_BURST; attempt++) {
    await attemptSignIn(page, account.email, `wrong-${attempt}`);
    await expect(signInPage.error()).toHaveText(REFUSED);
  }
  await attemptSignIn(page, account.email, account.password);
  await expect(signInPage.error()).toHaveText(REFUSED);

  const adminContext = await browser.newContext();
  try {
    const adminPage = await adminContext.newPage();
    await new SignInPage(adminPage).goto('/sign-in?callbackUrl=/settings/members');
    await new SignInPage(adminPage).signIn(E2E_ADMIN.email, E2E_ADMIN.password);
    const members = new MembersPage(adminPage);
    await expect(adminPage).toHaveURL(/\/settings\/members$/);
    await expect(members.row(account.email)).toContainText('Sign-in paused');
    await members.unlockButton(account.email).click();
    await expect(members.row(account.email).getByRole('status')).toHaveText(
      `Sign-in unlocked for ${account.email}.`,
    );
    await expect(members.row(account.email)).not.toContainText('Sign-in paused');
  } finally {
    await adminContext.close();
  }

  await signInPage.signIn(account.email, account.password);
  await expect(shell.userName()).toHaveText(account.name);
});

test('a member changes their own password under Account: other devices are signed out, this one is not', async ({
  browser,
  page,
  signInAs,
  shell,
  signInPage,
}) => {
  const account = await signInAs('viewer');
  const otherDevice = await browser.newContext();
  try {
    const otherPage = await otherDevice.newPage();
    await new SignInPage(otherPage).goto('/sign-in?callbackUrl=/settings/account');
    await new SignInPage(otherPage).signIn(account.email, account.password);
    await expect(otherPage.getByRole('heading', { name: 'Account', exact: true })).toBeVisible();

    await shell.nav().getByRole('link', { name: 'Account' }).click();
    await expect(page.getByRole('heading', { name: 'Account', exact: true })).toBeVisible();
    await expect(page.getByText('Changing your password signs you out on every other device.')).toBeVisible();
    const accountPage = new AccountPage(page);
    const form = accountPage.form();

    await accountPage.changePassword(account.password, 'short');
    await expect(form.getByText('Use at least 10 characters.')).toBeVisible();
    await accountPage.changePassword(account.password, 'a-new-long-password', 'a-typo-password');
    await expect(form.getByText('This does not match the new password.')).toBeVisible();
    await accountPage.changePassword('not-my-password', 'a-new-long-password');
    await expect(form.getByText(/This is not your current password/)).toBeVisible();

    await accountPage.changePassword(account.password, 'a-new-long-password');
    await expect(form.getByRole('status')).toHaveText(
      'Password changed. Every other device has been signed out.',
    );

    await otherPage.reload();
    await new SignInPage(otherPage).expectVisible();
  } finally {
    await otherDevice.close();
  }

  await page.reload();
  await expect(page.getByRole('heading', { name: 'Account', exact: true })).toBeVisible();
  await expect(shell.userName()).toHaveText(account.name);

  await shell.signOut();
  await signInPage.signIn(account.email, account.password);
  await expect(signInPage.error()).toHaveText(REFUSED);
  await signInPage.signIn(account.email, 'a-new-long-password');
  await expect(shell.userName()).toHaveText(account.name);
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

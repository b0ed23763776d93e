import { expect, type Page } from '@playwright/test';
import { createAccount, type Account, type Role } from './accounts';

export class SignInPage {
  constructor(private readonly page: Page) {}

  async goto(path = '/sign-in') {
    await this.page.goto(path);
  }

  async signIn(email: string, password: string) {
    await this.page.getByLabel('Email').fill(email);
    await this.page.getByLabel('Password').fill(password);
    await this.page.getByRole('button', { name: 'Sign in' }).click();
  }

  error() {
    return this.page.getByRole('main').getByRole('alert');
  }

  async expectVisible() {
    await expect(this.page).toHaveURL(/\/sign-in/);
    await expect(this.page.getByRole('heading', { name: 'Sign in to Loom Studio' })).toBeVisible();
  }
}

export class StudioShell {
  constructor(private readonly page: Page) {}

  nav() {
    return this.page.getByRole('navigation', { name: 'Main' });
  }

  userName() {
    return this.page.getByTestId('user-name');
  }

  workspaceName() {
    return this.page.getByTestId('workspace-name');
  }

  async signOut() {
    await this.page.getByRole('button', { name: 'Sign out' }).click();
    await expect(this.page.getByRole('heading', { name: 'Sign in to Loom Studio' })).toBeVisible();
  }
}

/** Creates a fresh account with the role and signs `page` in as it, waiting for the studio shell. */
export async function signInAsNewAccount(page: Page, role: Role): Promise<Account> {
  const account = await createAccount(role);
  const signInPage = new SignInPage(page);
  await signInPage.goto();
  await signInPage.signIn(account.email, account.password);
  await expect(new StudioShell(page).userName()).toHaveText(account.name);
  return account;
}

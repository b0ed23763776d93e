import { expect, type Locator, type Page } from '@playwright/test';

/** Settings → Members: one row per member, its controls named after the member's email. */
export class MembersPage {
  constructor(private readonly page: Page) {}

  async goto() {
    await this.page.goto('/settings/members');
    await expect(this.page.getByRole('heading', { name: 'Members', exact: true })).toBeVisible();
  }

  row(email: string): Locator {
    return this.page.getByTestId('member-row').filter({ hasText: email });
  }

  role(email: string): Locator {
    return this.page.getByRole('combobox', { name: `Role of ${email}` });
  }

  removeButton(email: string): Locator {
    return this.page.getByRole('button', { name: `Remove ${email}` });
  }

  unlockButton(email: string): Locator {
    return this.page.getByRole('button', { name: `Unlock sign-in of ${email}` });
  }

  dialog(): Locator {
    return this.page.getByRole('dialog');
  }

  addForm(): Locator {
    return this.page.getByRole('form', { name: 'Add a member' });
  }

  async add(values: { name: string; email: string; password: string; role: string }) {
    const form = this.addForm();
    await form.getByLabel('Name').fill(values.name);
    await form.getByLabel('Email').fill(values.email);
    await form.getByLabel('Initial password').fill(values.password);
    await form.getByLabel('Role').selectOption(values.role);
    await form.getByRole('button', { name: 'Add member' }).click();
  }
}

/** Settings → Account: the signed-in member's own password. */
export class AccountPage {
  constructor(private readonly page: Page) {}

  form(): Locator {
    return this.page.getByRole('form', { name: 'Change password' });
  }

  async changePassword(current: string, next: string, repeat = next) {
    const form = this.form();
    // A field's error joins its label's text, so match the label's start.
    await form.getByLabel(/^Current password/).fill(current);
    await form.getByLabel(/^New password/).fill(next);
    await form.getByLabel(/^Repeat the new password/).fill(repeat);
    await form.getByRole('button', { name: 'Change password' }).click();
  }
}

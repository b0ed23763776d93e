import { createAccount } from './support/accounts';
import { MembersPage } from './support/account-pages';
import { expect, test } from './support/fixtures';

test('an admin adds a member who can then sign in with the given role', async ({
  page,
  signInAs,
  shell,
  signInPage,
}) => {
  await signInAs('admin');
  const members = new MembersPage(page);
  await members.goto();
  const email = `new-${Date.now()}@e2e.test`;
  const form = members.addForm();
  await members.add({ name: 'New Person', email, password: 'short', role: 'viewer' });
  await expect(form.getByText('Use at least 10 characters.')).toBeVisible();
  await members.add({ name: 'New Person', email, password: 'a-long-enough-password', role: 'viewer' });
  await expect(members.row(email)).toBeVisible();
  await shell.signOut();
  await signInPage.signIn(email, 'a-long-enough-password');
  await expect(shell.userName()).toHaveText('New Person');
});

test('the admin sees which row is theirs, with each control named after its member', async ({
  page,
  signInAs,
}) => {
  const me = await signInAs('admin');
  const members = new MembersPage(page);
  await members.goto();
  await expect(members.row(me.email).getByRole('cell').first()).toHaveText(`${me.name} (you)`);
  await expect(members.role(me.email)).toHaveValue('admin');
  // Nobody removes themself from this screen.
  await expect(members.removeButton(me.email)).toHaveCount(0);
});

test('lowering your own role asks first, and Cancel keeps it', async ({ page, signInAs }) => {
  const me = await signInAs('admin');
  const members = new MembersPage(page);
  await members.goto();
  await members.role(me.email).selectOption('editor');
  await expect(members.dialog()).toBeVisible();
  await expect(members.dialog().getByRole('heading')).toHaveText('Make yourself editor?');
  await members.dialog().getByRole('button', { name: 'Cancel' }).click();
  await expect(members.dialog()).toBeHidden();
  await expect(members.role(me.email)).toHaveValue('admin');

  await members.role(me.email).selectOption('viewer');
  await members.dialog().getByRole('button', { name: 'Make me viewer' }).click();
  await expect(page.getByRole('main').getByRole('alert')).toHaveText(
    'Only workspace admins can manage members.',
  );
});

test('a role change of someone else says it was saved and can be undone', async ({ page, signInAs }) => {
  await signInAs('admin');
  const other = await createAccount('viewer', 'promoted');
  const members = new MembersPage(page);
  await members.goto();
  await members.role(other.email).selectOption('editor');
  const status = members.row(other.email).getByRole('status');
  await expect(status).toContainText(`Saved: ${other.email} is now editor.`);
  await expect(members.role(other.email)).toHaveValue('editor');
  await status.getByRole('button', { name: `Undo the role change of ${other.email}` }).click();
  await expect(status).toHaveText(`Undone: ${other.email} is viewer again.`);
  await expect(members.role(other.email)).toHaveValue('viewer');
});

test('removing a member asks first, and a removed member can be added back', async ({ page, signInAs }) => {
  await signInAs('admin');
  const other = await createAccount('editor', 'removed');
  const members = new MembersPage(page);
  await members.goto();
  await members.removeButton(other.email).click();
  await expect(members.dialog().getByRole('heading')).toHaveText(`Remove ${other.name}?`);
  await members.dialog().getByRole('button', { name: 'Remove', exact: true }).click();
  await expect(members.row(other.email)).toHaveCount(0);

  await members.add({
    name: other.name,
    email: other.email,
    password: 'ignored-for-returning',
    role: 'viewer',
  });
  await expect(members.addForm().getByRole('status')).toContainText(
    `${other.email} was a member before and is back.`,
  );
  await expect(members.role(other.email)).toHaveValue('viewer');
});

import type { Metadata } from 'next';
import { ChangePasswordForm } from '@/components/forms/change-password-form';
import { Card } from '@/components/ui/card';
import { getViewer } from '@/lib/server/auth/session';
import { PASSWORD_MIN_LENGTH } from '@/lib/server/auth/account';
import { changePasswordAction } from './actions';

export const metadata: Metadata = { title: 'Account' };

export default async function AccountPage() {
  const viewer = await getViewer();
  if (!viewer) return null; // the studio layout has already sent visitors without a session to sign-in
  return (
    <div className="max-w-xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">Account</h1>
        <p className="text-sm text-zinc-500 dark:text-zinc-400">
          Signed in as {viewer.name} ({viewer.email}), {viewer.role} of {viewer.workspaceName}.
        </p>
      </header>
      <Card title="Change password">
        <ChangePasswordForm changePassword={changePasswordAction} minLength={PASSWORD_MIN_LENGTH} />
        <p className="mt-4 text-sm text-zinc-500 dark:text-zinc-400">
          Changing your password signs you out on every other device.
        </p>
      </Card>
    </div>
  );
}

import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { AppShell } from '@/components/shell/app-shell';
import { LoomMark } from '@/components/shell/loom-mark';
import { Nav, type NavItem } from '@/components/shell/nav';
import { Providers } from '@/components/shell/providers';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { ThemeToggle } from '@/components/shell/theme-toggle';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';

export default async function StudioLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const items: NavItem[] = [
    { href: '/', label: 'Overview' },
    { href: '/prompts', label: 'Prompts' },
    { href: '/suites', label: 'Suites' },
  ];
  if (can(viewer.role, 'manage')) items.push({ href: '/settings/members', label: 'Members' });
  if (can(viewer.role, 'manage')) items.push({ href: '/settings/providers', label: 'Providers' });
  items.push(
    { href: '/settings/api-keys', label: 'API keys' },
    { href: '/api-reference', label: 'API reference' },
  );
  if (can(viewer.role, 'manage')) items.push({ href: '/settings/webhooks', label: 'Webhooks' });
  items.push({ href: '/settings/account', label: 'Account' });

  return (
    <AppShell
      topBar={
        <div className="flex min-w-0 items-center gap-2">
          <LoomMark className="size-6 shrink-0" />
          <span className="truncate text-sm font-semibold">{viewer.workspaceName}</span>
        </div>
      }
      sidebar={
        <>
          <div className="flex items-center gap-2 px-2">
            <LoomMark className="size-7 shrink-0" />
            <div className="min-w-0">
              <div className="text-sm font-semibold">Loom Studio</div>
              <div className="truncate text-xs text-zinc-600 dark:text-zinc-400" data-testid="workspace-name">
                {viewer.workspaceName}
              </div>
            </div>
          </div>
          <Nav items={items} />
          <div className="mt-auto space-y-3 border-t border-zinc-200 px-2 pt-4 dark:border-zinc-800">
            <div className="text-sm">
              <div className="truncate font-medium" data-testid="user-name">
                {viewer.name}
              </div>
              <div className="truncate text-xs text-zinc-600 dark:text-zinc-400">
                {viewer.email} · {viewer.role}
              </div>
            </div>
            <ThemeToggle />
            <SignOutButton />
          </div>
        </>
      }
    >
      <Providers>{children}</Providers>
    </AppShell>
  );
}

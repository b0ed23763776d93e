import { redirect } from 'next/navigation';
import type { ReactNode } from 'react';
import { LoomMark } from '@/components/shell/loom-mark';
import { Nav, type NavItem } from '@/components/shell/nav';
import { Providers } from '@/components/shell/providers';
import { SignOutButton } from '@/components/shell/sign-out-button';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';

export default async function StudioLayout({ children }: { children: ReactNode }) {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const items: NavItem[] = [
    { href: '/prompts', label: 'Prompts' },
    { href: '/', label: 'Overview' },
  ];
  if (can(viewer.role, 'manage')) items.push({ href: '/settings/members', label: 'Members' });
  if (can(viewer.role, 'manage')) items.push({ href: '/settings/providers', label: 'Providers' });
  items.push({ href: '/settings/account', label: 'Account' });

  return (
    <div className="flex min-h-screen">
      <aside className="flex w-56 shrink-0 flex-col gap-6 border-r border-zinc-200 bg-white px-3 py-4 dark:border-zinc-800 dark:bg-zinc-950">
        <div className="flex items-center gap-2 px-2">
          <LoomMark className="size-7" />
          <div className="min-w-0">
            <div className="text-sm font-semibold">Loom Studio</div>
            <div className="truncate text-xs text-zinc-500" data-testid="workspace-name">
              {viewer.workspaceName}
            </div>
          </div>
        </div>
        <Nav items={items} />
        <div className="mt-auto space-y-2 border-t border-zinc-200 px-2 pt-4 dark:border-zinc-800">
          <div className="text-sm">
            <div className="truncate font-medium" data-testid="user-name">
              {viewer.name}
            </div>
            <div className="truncate text-xs text-zinc-500">
              {viewer.email} · {viewer.role}
            </div>
          </div>
          <SignOutButton />
        </div>
      </aside>
      <main className="min-w-0 flex-1 px-8 py-6">
        <Providers>{children}</Providers>
      </main>
    </div>
  );
}

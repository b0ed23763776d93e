import type { Metadata } from 'next';
import Link from 'next/link';
import { Card } from '@/components/ui/card';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getHealth } from '@/lib/server/health';

export const metadata: Metadata = { title: 'Overview' };

export default async function OverviewPage() {
  const viewer = await getViewer();
  if (!viewer) return null;
  const prisma = await getPrisma();
  const [members, health] = await Promise.all([
    prisma.membership.count({ where: { workspaceId: viewer.workspaceId } }),
    getHealth(),
  ]);
  return (
    <div className="max-w-4xl space-y-6">
      <header>
        <h1 className="text-2xl font-semibold">{viewer.workspaceName}</h1>
        <p className="text-sm text-zinc-500">
          Signed in as {viewer.name} ({viewer.role}).
        </p>
      </header>
      <div className="grid gap-4 sm:grid-cols-2">
        <Card title="Team">
          <p className="text-3xl font-semibold tabular-nums">{members}</p>
          <p className="text-sm text-zinc-500">
            member{members === 1 ? '' : 's'}
            {can(viewer.role, 'manage') ? (
              <>
                {' · '}
                <Link className="text-accent hover:underline" href="/settings/members">
                  manage
                </Link>
              </>
            ) : null}
          </p>
        </Card>
        <Card title="Database">
          <p className="font-medium" data-testid="database-status">
            {health.database.kind === 'embedded' ? 'Embedded PostgreSQL' : 'PostgreSQL'} ·{' '}
            {health.migrations.current
              ? 'schema up to date'
              : `${health.migrations.pending.length} migrations pending`}
          </p>
          <p className="text-sm text-zinc-500">Round trip {health.database.latencyMs ?? '–'} ms</p>
        </Card>
      </div>
    </div>
  );
}

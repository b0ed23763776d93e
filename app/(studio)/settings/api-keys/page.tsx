import type { Metadata } from 'next';
import Link from 'next/link';
import { headers } from 'next/headers';
import { ApiKeysTable, CreateApiKeyForm } from '@/components/api/api-keys';
import { Alert, Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { listApiKeys } from '@/lib/server/api/keys';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getEnv } from '@/lib/server/env';
import { createApiKeyAction, revokeApiKeyAction } from './actions';

export const metadata: Metadata = { title: 'API keys' };

/** The studio's address as the browser reached it, for the ready-to-paste curl line. */
async function studioOrigin(): Promise<string> {
  const configured = getEnv().NEXTAUTH_URL;
  if (configured) return configured.replace(/\/+$/, '');
  const host = (await headers()).get('host') ?? '127.0.0.1:3000';
  return `http://${host}`;
}

export default async function ApiKeysPage() {
  const viewer = await getViewer();
  if (!viewer) return <Alert>Sign in to see the workspace’s API keys.</Alert>;
  const [keys, origin] = await Promise.all([
    listApiKeys(await getPrisma(), viewer.workspaceId),
    studioOrigin(),
  ]);
  const canManage = can(viewer.role, 'manage');
  const active = keys.filter((k) => !k.revokedAt).length;
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title="API keys"
        description={
          <>
            Applications fetch, render and execute this workspace’s prompts with a key. Only a hash of each
            secret is stored. See the{' '}
            <Link href="/api-reference" className="underline">
              API reference
            </Link>
            .
          </>
        }
      />
      <Card title={`${active} active key${active === 1 ? '' : 's'}`}>
        <ApiKeysTable
          rows={keys.map((k) => ({
            ...k,
            createdAt: k.createdAt.toISOString(),
            lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
            revokedAt: k.revokedAt?.toISOString() ?? null,
          }))}
          now={new Date().toISOString()}
          canManage={canManage}
          revoke={revokeApiKeyAction}
        />
      </Card>
      {canManage ? (
        <Card title="Create a key">
          <CreateApiKeyForm create={createApiKeyAction} origin={origin} />
        </Card>
      ) : (
        <p className="text-sm text-zinc-600 dark:text-zinc-400">
          Only workspace admins can create and revoke keys.
        </p>
      )}
    </div>
  );
}

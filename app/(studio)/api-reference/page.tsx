import type { Metadata } from 'next';
import Link from 'next/link';
import { headers } from 'next/headers';
import { ApiReference } from '@/components/api/api-reference';
import { Alert, Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { buildApiReference } from '@/lib/server/api/reference';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getEnv } from '@/lib/server/env';

export const metadata: Metadata = { title: 'API reference' };

export default async function ApiReferencePage() {
  const viewer = await getViewer();
  if (!viewer) return <Alert>Sign in to read the API reference.</Alert>;
  const origin = (
    getEnv().NEXTAUTH_URL ?? `http://${(await headers()).get('host') ?? '127.0.0.1:3000'}`
  ).replace(/\/+$/, '');
  // Examples name a real prompt of the workspace when there is one.
  const first = await (
    await getPrisma()
  ).prompt.findFirst({
    where: { workspaceId: viewer.workspaceId, archivedAt: null },
    orderBy: { updatedAt: 'desc' },
    select: { slug: true },
  });
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title="API reference"
        description={
          <>
            The runtime API at <code className="font-mono text-xs">{origin}/api/v1</code>. Machine-readable:{' '}
            <a href="/api/v1/openapi.json" className="underline">
              OpenAPI 3.1
            </a>
            .
          </>
        }
      />
      <Card title="Authentication and errors">
        <div className="space-y-2 text-sm">
          <p>
            Send an API key with every call:{' '}
            <code className="font-mono text-xs">Authorization: Bearer loom_sk_…</code> (create one under{' '}
            <Link href="/settings/api-keys" className="underline">
              API keys
            </Link>
            ). HTTP Basic with the key’s public id (<code className="font-mono text-xs">loom_pk_…</code>) as
            user and the secret as password works too. Each key has scopes; a call outside them is refused
            with 403.
          </p>
          <p>
            Errors are RFC 9457 problem details (
            <code className="font-mono text-xs">application/problem+json</code>) with{' '}
            <code className="font-mono text-xs">type</code>, <code className="font-mono text-xs">title</code>,{' '}
            <code className="font-mono text-xs">status</code>,{' '}
            <code className="font-mono text-xs">detail</code> and, for input problems,{' '}
            <code className="font-mono text-xs">errors: [&#123;path, message&#125;]</code>: 400 malformed JSON
            or fields, 401 missing or revoked key, 403 scope, 404 unknown prompt, label or version, 413 body
            too large, 422 invalid variables (each listed), 429 too many requests (wait for{' '}
            <code className="font-mono text-xs">Retry-After</code>), 502/503/504 provider failures.
          </p>
        </div>
      </Card>
      <ApiReference operations={buildApiReference(origin, first?.slug ?? 'my-prompt')} />
    </div>
  );
}

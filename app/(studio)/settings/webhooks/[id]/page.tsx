import type { Metadata } from 'next';
import Link from 'next/link';
import { notFound } from 'next/navigation';
import { Alert, Card } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { DeleteEndpoint } from '@/components/webhooks/delete-endpoint';
import { EndpointStateBadge } from '@/components/webhooks/delivery-status';
import { DeliveryLog } from '@/components/webhooks/delivery-log';
import { EndpointForm } from '@/components/webhooks/endpoint-form';
import { SecretPanel } from '@/components/webhooks/secret-panel';
import { isLoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { decodePathParam } from '@/lib/server/auth/reader';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { getWebhookEndpoint, listWebhookDeliveries } from '@/lib/server/webhooks/endpoints';
import { WEBHOOK_LOG_RETENTION_DAYS } from '@/lib/server/webhooks/prune';
import {
  createWebhookEndpointAction,
  deleteWebhookEndpointAction,
  redeliverWebhookAction,
  revealWebhookSecretAction,
  rotateWebhookSecretAction,
  sendWebhookTestAction,
  updateWebhookEndpointAction,
} from '../actions';
import { toDeliveryLog } from '../rows';

export const metadata: Metadata = { title: 'Webhook endpoint' };

export default async function WebhookEndpointPage({ params }: { params: Promise<{ id: string }> }) {
  const viewer = await getViewer();
  if (!viewer || !can(viewer.role, 'manage')) {
    return <Alert>Only workspace admins can configure webhooks.</Alert>;
  }
  const id = decodePathParam((await params).id);
  const prisma = await getPrisma();
  const loaded = await Promise.all([
    getWebhookEndpoint(prisma, viewer.workspaceId, id),
    listWebhookDeliveries(prisma, viewer.workspaceId, id),
  ]).catch((error: unknown) => {
    if (isLoomError(error, 'NOT_FOUND')) return undefined;
    throw error;
  });
  if (!loaded) notFound();
  const [endpoint, log] = loaded;
  return (
    <div className="max-w-6xl space-y-6">
      <nav aria-label="Breadcrumb" className="text-sm">
        <Link href="/settings/webhooks" className="text-accent hover:underline">
          Webhooks
        </Link>
      </nav>
      <PageHeader
        title={<span className="font-mono text-lg break-all sm:text-xl">{endpoint.url}</span>}
        description={
          <span className="flex flex-wrap items-center gap-2">
            <EndpointStateBadge enabled={endpoint.enabled} />
            {endpoint.description ? <span className="break-words">{endpoint.description}</span> : null}
          </span>
        }
        actions={
          <DeleteEndpoint endpointId={endpoint.id} url={endpoint.url} remove={deleteWebhookEndpointAction} />
        }
      />
      <DeliveryLog
        endpointId={endpoint.id}
        enabled={endpoint.enabled}
        initial={toDeliveryLog(log)}
        retentionDays={WEBHOOK_LOG_RETENTION_DAYS}
        sendTest={sendWebhookTestAction}
        redeliver={redeliverWebhookAction}
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Signing secret">
          <SecretPanel
            endpointId={endpoint.id}
            reveal={revealWebhookSecretAction}
            rotate={rotateWebhookSecretAction}
          />
        </Card>
        <Card title="Settings">
          <EndpointForm
            endpoint={{
              id: endpoint.id,
              url: endpoint.url,
              description: endpoint.description,
              events: endpoint.events,
              enabled: endpoint.enabled,
            }}
            create={createWebhookEndpointAction}
            update={updateWebhookEndpointAction}
          />
        </Card>
      </div>
    </div>
  );
}

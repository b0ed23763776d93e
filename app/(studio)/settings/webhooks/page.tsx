import type { Metadata } from 'next';
import { Card, Alert } from '@/components/ui/card';
import { PageHeader } from '@/components/ui/page-header';
import { EndpointForm } from '@/components/webhooks/endpoint-form';
import { EndpointsList } from '@/components/webhooks/endpoints-list';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getPrisma } from '@/lib/server/db';
import { listWebhookEndpoints, MAX_ENDPOINTS } from '@/lib/server/webhooks/endpoints';
import { toEndpointRow } from './rows';
import { createWebhookEndpointAction, updateWebhookEndpointAction } from './actions';

export const metadata: Metadata = { title: 'Webhooks' };

export default async function WebhooksPage() {
  const viewer = await getViewer();
  if (!viewer || !can(viewer.role, 'manage')) {
    return <Alert>Only workspace admins can configure webhooks.</Alert>;
  }
  const endpoints = await listWebhookEndpoints(await getPrisma(), viewer.workspaceId);
  return (
    <div className="max-w-5xl space-y-6">
      <PageHeader
        title="Webhooks"
        description="Signed HTTP callbacks to your systems when prompt versions are saved, labels move or are removed, experiments find a winner, suite runs end or a budget alerts."
      />
      <EndpointsList endpoints={endpoints.map(toEndpointRow)} now={new Date().toISOString()} />
      {endpoints.length < MAX_ENDPOINTS ? (
        <Card title="Add an endpoint">
          <EndpointForm create={createWebhookEndpointAction} update={updateWebhookEndpointAction} />
        </Card>
      ) : (
        <Alert tone="info">
          This workspace has {MAX_ENDPOINTS} endpoints, the most it may have: delete one to add another.
        </Alert>
      )}
    </div>
  );
}

import { LoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { decodePathParam, getReader } from '@/lib/server/auth/reader';
import { getPrisma } from '@/lib/server/db';
import { withErrorResponse } from '@/lib/server/error-response';
import { listWebhookDeliveries } from '@/lib/server/webhooks/endpoints';

// An endpoint's delivery log, polled by its page while deliveries are pending. Admins only (the
// log shows the receivers' answers); scoped to the viewer's workspace; never cached.

export const dynamic = 'force-dynamic';

async function deliveries(_request: Request, { params }: { params: Promise<{ id: string }> }) {
  const viewer = await getReader();
  if (!can(viewer.role, 'manage'))
    throw new LoomError('FORBIDDEN', 'Only workspace admins can see webhook deliveries.');
  const { id } = await params;
  const log = await listWebhookDeliveries(await getPrisma(), viewer.workspaceId, decodePathParam(id));
  return Response.json(log, { headers: { 'cache-control': 'no-store' } });
}

export const GET = withErrorResponse('GET /api/webhooks/[id]/deliveries', deliveries);

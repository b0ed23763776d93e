import { isLoomError } from '@/lib/loom/core';
import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { listModelsFor } from '@/lib/server/providers';
import { withErrorResponse } from '@/lib/server/error-response';

// The models a configured provider offers, for model pickers (playground, editor).

export const dynamic = 'force-dynamic';

/** A picker falls back to typing the model name; it should not wait long for an unreachable provider. */
const LIST_TIMEOUT_MS = 5_000;

async function listModels(_request: Request, { params }: { params: Promise<{ name: string }> }) {
  const viewer = await getViewer();
  if (!viewer) return Response.json({ code: 'UNAUTHENTICATED', message: 'Sign in again.' }, { status: 401 });
  if (!can(viewer.role, 'read'))
    return Response.json({ code: 'FORBIDDEN', message: 'Not allowed.' }, { status: 403 });
  try {
    const models = await listModelsFor(viewer, decodeURIComponent((await params).name), {
      signal: AbortSignal.timeout(LIST_TIMEOUT_MS),
    });
    return Response.json({ models: models.map((m) => m.id) }, { headers: { 'cache-control': 'no-store' } });
  } catch (error) {
    if (!isLoomError(error)) throw error;
    const status = error.code === 'NOT_FOUND' ? 404 : 502;
    return Response.json({ code: error.code, message: error.message }, { status });
  }
}

export const GET = withErrorResponse('GET /api/providers/[name]/models', listModels);

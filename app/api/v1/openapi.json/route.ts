import { buildOpenApiDocument } from '@/lib/server/api/openapi';
import { withSecurityHeaders } from '@/lib/server/api/security';
import { getEnv } from '@/lib/server/env';

// GET /api/v1/openapi.json: the OpenAPI 3.1 description of the runtime API, generated from the
// zod schemas its routes validate with. Public: it describes the API, not any workspace's data.

export const dynamic = 'force-dynamic';

export const GET = withSecurityHeaders((request: Request) => {
  const origin = getEnv().NEXTAUTH_URL ?? new URL(request.url).origin;
  return Response.json(buildOpenApiDocument(origin.replace(/\/+$/, '')), {
    headers: { 'cache-control': 'public, max-age=300' },
  });
});

import { defineApiRoute } from '@/lib/server/api/pipeline';
import { promptDocumentResponse, resolvePrompt } from '@/lib/server/api/prompts';
import { getPromptQuerySchema, promptParamsSchema } from '@/lib/server/api/schemas';

// GET /api/v1/prompts/{id}?label=production|version=N[&unitId=...]: the whole prompt document,
// its version and labels, with an ETag (304 on If-None-Match). The hot path: served from a
// short-lived per-process cache.

export const dynamic = 'force-dynamic';

export const GET = defineApiRoute({
  name: 'GET /api/v1/prompts/{id}',
  scope: 'prompts:read',
  params: promptParamsSchema,
  query: getPromptQuerySchema,
  handler: async ({ request, prisma, principal, params, query }) =>
    promptDocumentResponse(request, await resolvePrompt(prisma, principal, params.id, query)),
});

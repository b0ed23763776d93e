import { defineApiRoute } from '@/lib/server/api/pipeline';
import { renderServed, resolvePrompt } from '@/lib/server/api/prompts';
import { promptParamsSchema, renderRequestSchema } from '@/lib/server/api/schemas';

// POST /api/v1/prompts/{id}/render: variables in, the exact messages execute would send out;
// invalid variables are a 422 listing each.

export const dynamic = 'force-dynamic';

export const POST = defineApiRoute({
  name: 'POST /api/v1/prompts/{id}/render',
  scope: 'prompts:read',
  params: promptParamsSchema,
  body: renderRequestSchema,
  handler: async ({ request, prisma, principal, params, body }) => {
    const resolved = await resolvePrompt(prisma, principal, params.id, body);
    const rendered = await renderServed(resolved.served, body.variables, request.signal);
    const { data } = resolved.served;
    return Response.json({
      id: data.id,
      version: data.version,
      messages: rendered.messages,
      variables: rendered.variables,
      experiment: resolved.experiment,
    });
  },
});

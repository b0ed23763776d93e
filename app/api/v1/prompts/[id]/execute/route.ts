import { defineApiRoute } from '@/lib/server/api/pipeline';
import { executeEventStream, executeResponseBody, prepareExecution } from '@/lib/server/api/prompts';
import { executeRequestSchema, promptParamsSchema } from '@/lib/server/api/schemas';

// POST /api/v1/prompts/{id}/execute: render and call the prompt's provider (with the workspace's
// settings, circuit breaker, per-key call limit and opt-in response cache); JSON, or server-sent
// events with `stream: true`. Every call is recorded as a run of source `api`.

export const dynamic = 'force-dynamic';

const NAME = 'POST /api/v1/prompts/{id}/execute';

export const POST = defineApiRoute({
  name: NAME,
  scope: 'prompts:execute',
  params: promptParamsSchema,
  body: executeRequestSchema,
  handler: async ({ request, prisma, principal, params, body }) => {
    const prepared = await prepareExecution(prisma, principal, params.id, body, request.signal);
    if (body.stream) return executeEventStream(request, prepared, NAME);
    return Response.json(executeResponseBody(prepared, await prepared.run(request.signal)));
  },
});

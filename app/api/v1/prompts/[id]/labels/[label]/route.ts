import { moveLabelWithKey } from '@/lib/server/api/labels';
import { defineApiRoute } from '@/lib/server/api/pipeline';
import { labelParamsSchema, moveLabelRequestSchema } from '@/lib/server/api/schemas';

// PUT /api/v1/prompts/{id}/labels/{label} with {"version": N}: points the label at version N
// (production passes the prompt's release gate) and answers where it pointed before.

export const dynamic = 'force-dynamic';

export const PUT = defineApiRoute({
  name: 'PUT /api/v1/prompts/{id}/labels/{label}',
  scope: 'prompts:write',
  params: labelParamsSchema,
  body: moveLabelRequestSchema,
  handler: async ({ prisma, principal, params, body }) =>
    Response.json(
      await moveLabelWithKey(prisma, principal, {
        promptId: params.id,
        label: params.label,
        version: body.version,
      }),
      {
        headers: { 'cache-control': 'no-store' },
      },
    ),
});

import { defineApiRoute } from '@/lib/server/api/pipeline';
import { experimentParamsSchema, outcomeRequestSchema } from '@/lib/server/api/schemas';
import { recordExperimentOutcome } from '@/lib/server/experiments/serving';

// POST /api/v1/experiments/{id}/outcomes {unitId, value}: a unit's conversion (1/0) or value,
// counted for the variant the unit was assigned. The first outcome of a unit counts.

export const dynamic = 'force-dynamic';

export const POST = defineApiRoute({
  name: 'POST /api/v1/experiments/{id}/outcomes',
  scope: 'experiments:write',
  params: experimentParamsSchema,
  body: outcomeRequestSchema,
  handler: async ({ prisma, principal, params, body }) => {
    const recorded = await recordExperimentOutcome(prisma, principal.workspaceId, {
      experimentId: params.id,
      unitId: body.unitId,
      value: body.value,
    });
    return Response.json({ recorded }, { status: recorded ? 201 : 200 });
  },
});

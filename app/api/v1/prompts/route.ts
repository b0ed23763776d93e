import { defineApiRoute } from '@/lib/server/api/pipeline';
import { listPromptsQuerySchema } from '@/lib/server/api/schemas';
import { createStudioRegistry } from '@/lib/server/loom';

// GET /api/v1/prompts: the workspace's prompts (not archived), most recently saved first.

export const dynamic = 'force-dynamic';

export const GET = defineApiRoute({
  name: 'GET /api/v1/prompts',
  scope: 'prompts:read',
  query: listPromptsQuerySchema,
  handler: async ({ prisma, principal, query }) => {
    const prompts = await createStudioRegistry(prisma, principal.workspaceId).list({
      ...(query.search ? { search: query.search } : {}),
      ...(query.tag ? { tag: query.tag } : {}),
    });
    return Response.json({
      prompts: prompts.map((p) => ({
        id: p.id,
        name: p.name,
        description: p.description,
        tags: p.tags,
        latestVersion: p.latestVersion,
        labels: p.labels,
        updatedAt: p.updatedAt.toISOString(),
      })),
    });
  },
});

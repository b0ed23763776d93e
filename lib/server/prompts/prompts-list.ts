import 'server-only';
import { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { matchesListOptions, validateListOptions, type PromptRegistry } from '@/lib/loom/registry';
import { PRODUCTION, type PromptListQuery, type PromptListResponse } from '@/components/prompts/types';

/** The list's filters as they arrive in a URL; absent means "no filter". */
export const promptListQuerySchema = z.object({
  // A hand-edited URL falls back to "no filter" rather than an error page.
  search: z.string().max(200).default('').catch(''),
  tag: z.string().max(50).default('').catch(''),
  includeArchived: z.boolean().default(false),
});

export function parsePromptListQuery(params: URLSearchParams): PromptListQuery {
  return promptListQuerySchema.parse({
    search: params.get('search') ?? undefined,
    tag: params.get('tag') ?? undefined,
    includeArchived: params.get('archived') === '1',
  });
}

/**
 * The prompts list: one registry read for every prompt, filtered by the registry's own rule, plus
 * one read of where production points. The tag filter offers the tags of the prompts the list can
 * show (archived ones' only with "Show archived"), and the chosen tag so the filter never blanks.
 */
export async function listPrompts(
  prisma: PrismaClient,
  registry: PromptRegistry,
  workspaceId: string,
  query: PromptListQuery,
): Promise<PromptListResponse> {
  const filter = validateListOptions({
    ...(query.search.trim() ? { search: query.search } : {}),
    ...(query.tag ? { tag: query.tag } : {}),
    includeArchived: query.includeArchived,
  });
  const [all, production] = await Promise.all([
    registry.list({ includeArchived: true }),
    prisma.promptLabel.findMany({
      where: { label: PRODUCTION, prompt: { workspaceId } },
      select: { version: true, updatedAt: true, prompt: { select: { slug: true } } },
    }),
  ]);
  const since = new Map(production.map((p) => [p.prompt.slug, p.updatedAt]));
  return {
    prompts: all
      .filter((summary) => matchesListOptions(summary, filter))
      .map((s) => {
        const productionVersion = s.labels[PRODUCTION];
        const promotedAt = since.get(s.id);
        return {
          id: s.id,
          name: s.name,
          description: s.description,
          tags: s.tags,
          latestVersion: s.latestVersion,
          labels: s.labels,
          archived: s.archived,
          updatedAt: s.updatedAt.toISOString(),
          updatedBy: s.updatedBy ?? null,
          production:
            productionVersion === undefined || promotedAt === undefined
              ? null
              : { version: productionVersion, since: promotedAt.toISOString() },
        };
      }),
    tags: [
      ...new Set([
        ...all.filter((s) => query.includeArchived || !s.archived).flatMap((s) => s.tags),
        ...(query.tag ? [query.tag] : []),
      ]),
    ].sort(),
    now: new Date().toISOString(),
  };
}

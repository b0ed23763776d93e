import 'server-only';
import { redirect } from 'next/navigation';
import type { FilterValues } from '@/components/dashboards/view-href';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { getViewer, type Viewer } from '../auth/session';
import { getPrisma } from '../db';
import { RUN_SOURCES } from './recorder';
import { getAnalyticsSettings } from './settings';
import { parseDashboardParams, type ParsedFilters, type SearchParams } from './params';

export interface DashboardContext {
  viewer: Viewer;
  db: PrismaClient;
  parsed: ParsedFilters;
  /** What the filter bar shows, even when the filters were refused (so they can be changed). */
  values: FilterValues;
  prompts: { id: string; name: string }[];
  sources: string[];
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value);

/** What every dashboard page starts with: the viewer, its workspace's time zone and the URL's filters. */
export async function loadDashboardContext(search: SearchParams): Promise<DashboardContext> {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const db = await getPrisma();
  const [timeZone, prompts] = await Promise.all([
    workspaceTimeZone(db, viewer.workspaceId),
    db.prompt.findMany({
      where: { workspaceId: viewer.workspaceId, archivedAt: null },
      orderBy: { name: 'asc' },
      select: { slug: true, name: true },
    }),
  ]);
  const parsed = parseDashboardParams(search, new Date(), timeZone);
  const values: FilterValues = parsed.ok
    ? parsed.filters
    : {
        preset: first(search.from) || first(search.to) ? 'custom' : (first(search.range) ?? '7d'),
        fromDay: first(search.from),
        toDay: first(search.to),
        promptId: first(search.prompt),
        model: first(search.model),
        source: first(search.source),
      };
  return {
    viewer,
    db,
    parsed,
    values,
    prompts: prompts.map((prompt) => ({ id: prompt.slug, name: prompt.name })),
    sources: [...RUN_SOURCES],
  };
}

/** Where the workspace's days start (its analytics settings). */
export async function workspaceTimeZone(db: PrismaClient, workspaceId: string): Promise<string> {
  return (await getAnalyticsSettings(db, workspaceId)).timeZone;
}

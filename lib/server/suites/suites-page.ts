import 'server-only';
import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { isLoomError } from '@/lib/loom/core';
import { can } from '../auth/permissions';
import { getViewer } from '../auth/session';
import { getPrisma } from '../db';
import { getSuite } from './suites';

/**
 * What every page of one suite needs: the viewer, whether they may edit, and the suite's header.
 * Cached per request so the layout and the page share one lookup; a missing suite is a 404.
 */
export const loadSuitePage = cache(async (id: string) => {
  const viewer = await getViewer();
  if (!viewer) redirect('/sign-in');
  const prisma = await getPrisma();
  try {
    const suite = await getSuite(prisma, viewer.workspaceId, id);
    return { viewer, prisma, suite, canWrite: can(viewer.role, 'write') };
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND')) notFound();
    throw error;
  }
});

/** `generateMetadata` for a tab of one suite: "<suite name> · <tab>". */
export function suitePageMetadata(tab: string) {
  return async ({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> => {
    const { suite } = await loadSuitePage(decodeURIComponent((await params).id));
    return { title: `${suite.name} · ${tab}` };
  };
}

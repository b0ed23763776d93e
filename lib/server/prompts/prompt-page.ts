import 'server-only';
import type { Metadata } from 'next';
import { notFound, redirect } from 'next/navigation';
import { cache } from 'react';
import { isLoomError } from '@/lib/loom/core';
import { getViewer, type Viewer } from '../auth/session';
import { getRegistry } from '../loom';

/**
 * What every page of one prompt needs: the viewer and the prompt's summary. Cached per request so
 * the layout and the page share one lookup; a missing prompt is a 404.
 */
export const loadPromptPage = cache(async (id: string) => {
  const viewer: Viewer | null = await getViewer();
  if (!viewer) redirect('/sign-in');
  const registry = await getRegistry(viewer);
  try {
    const [latest, summaries] = await Promise.all([
      registry.getLatest(id),
      registry.list({ includeArchived: true, search: id }),
    ]);
    const summary = summaries.find((s) => s.id === id);
    if (!summary) notFound();
    return { viewer, registry, latest, summary };
  } catch (error) {
    if (isLoomError(error, 'NOT_FOUND') || isLoomError(error, 'INVALID_INPUT')) notFound();
    throw error;
  }
});

/**
 * `generateMetadata` for a tab of one prompt: "<prompt name> · <tab>", which the root layout's
 * template ends with " · Loom Studio", so every tab and history entry names its prompt.
 */
export function promptPageMetadata(tab: string) {
  return async ({ params }: { params: Promise<{ id: string }> }): Promise<Metadata> => {
    const { summary } = await loadPromptPage(decodeURIComponent((await params).id));
    return { title: `${summary.name} · ${tab}` };
  };
}

import 'server-only';
import { LoomError } from '@/lib/loom/core';
import { can } from './permissions';
import { getViewer, type Viewer } from './session';

/**
 * The signed-in viewer of a read-only route (GET handlers wrapped in `withErrorResponse`, which
 * answers these errors with 401 and 403): UNAUTHENTICATED without a session, FORBIDDEN for a role
 * that may not read.
 */
export async function getReader(): Promise<Viewer> {
  const viewer = await getViewer();
  if (!viewer) throw new LoomError('UNAUTHENTICATED', 'Your session has ended. Sign in again.');
  if (!can(viewer.role, 'read')) throw new LoomError('FORBIDDEN', 'Your role does not allow this.');
  return viewer;
}

/** A path segment as the user wrote it, whether or not the router already decoded it. */
export function decodePathParam(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

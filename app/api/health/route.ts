import { can } from '@/lib/server/auth/permissions';
import { getViewer } from '@/lib/server/auth/session';
import { getHealth, publicHealth } from '@/lib/server/health';

// Public by design: load balancers and `npm start` probe it without a session. Anyone gets the
// status; only a signed-in admin gets the details (database kind, latency, pending migrations,
// the driver's error), which name hosts and paths.
export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await getHealth();
  // With the database down there is no session to look up: the caller is anonymous.
  const viewer = health.status === 'error' ? null : await getViewer().catch(() => null);
  const isAdmin = viewer !== null && can(viewer.role, 'manage');
  return Response.json(isAdmin ? health : publicHealth(health), {
    status: health.status === 'error' ? 503 : 200,
    headers: { 'cache-control': 'no-store' },
  });
}

import { getHealth } from '@/lib/server/health';

// Public by design: load balancers and `npm start` probe it without a session.
export const dynamic = 'force-dynamic';

export async function GET() {
  const health = await getHealth();
  return Response.json(health, {
    status: health.status === 'ok' ? 200 : 503,
    headers: { 'cache-control': 'no-store' },
  });
}

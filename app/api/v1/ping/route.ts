import { withSecurityHeaders } from '@/lib/server/api/security';

// GET /api/v1/ping: answers without a key or a database, so an application (or the SDK) can tell
// "the studio is reachable" from "my key is wrong". It reveals nothing; the API benchmark also
// uses it as the server's baseline route.

export const dynamic = 'force-dynamic';

const BODY = JSON.stringify({ ok: true });

export const GET = withSecurityHeaders(
  () => new Response(BODY, { headers: { 'content-type': 'application/json', 'cache-control': 'no-store' } }),
);

import 'server-only';

/** The JSON error body every route handler answers with: a stable code and a message for people. */
export function problem(status: number, code: string, message: string, extra: Record<string, unknown> = {}) {
  return Response.json({ code, message, ...extra }, { status, headers: { 'cache-control': 'no-store' } });
}

import 'server-only';
import { getEnv } from '../env';
import { problem } from './problem';

/**
 * The guard every state-changing route handler runs first, as Next does for server actions: a
 * browser attaches the session cookie to any site's form post or `text/plain` fetch, so the
 * request must come from the studio's own pages (Origin, else Sec-Fetch-Site) and carry the
 * content type the handler reads, which another site cannot send without a CORS preflight.
 * Returns the refusal to send, or null to go on.
 */
export function refuseCrossSite(request: Request, contentType = 'application/json'): Response | null {
  const origin = request.headers.get('origin');
  const fetchSite = request.headers.get('sec-fetch-site');
  if (fetchSite === 'cross-site' || fetchSite === 'same-site') {
    return problem(
      403,
      'FORBIDDEN',
      `Refused: this request was sent by another site (${origin ?? fetchSite}).`,
    );
  }
  if (origin !== null) {
    if (!allowedOrigins(request).has(origin)) {
      return problem(
        403,
        'FORBIDDEN',
        `Refused: this request was sent from ${origin}, not from the studio's own pages.`,
      );
    }
  } else if (fetchSite !== 'same-origin' && request.headers.has('cookie')) {
    // Without Origin or Sec-Fetch-Site nothing says where a cookie-carrying request comes from.
    return problem(
      403,
      'FORBIDDEN',
      'Refused: this request carries a session cookie but no Origin header, so it may come from another site.',
    );
  }
  const sent = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (sent !== contentType) {
    return problem(
      415,
      'UNSUPPORTED_MEDIA_TYPE',
      `Send the request body as ${contentType}${sent ? ` (it was ${sent})` : ' (no content type was given)'}.`,
    );
  }
  return null;
}

/** The studio's own origins: the host the request was sent to, and the configured public URL. */
function allowedOrigins(request: Request): Set<string> {
  const allowed = new Set<string>();
  const url = new URL(request.url);
  // A browser cannot set these on a cross-site request without a preflight, which is refused.
  const host =
    request.headers.get('x-forwarded-host')?.split(',')[0]?.trim() ?? request.headers.get('host') ?? url.host;
  const proto = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  for (const scheme of proto ? [proto] : ['http', 'https']) allowed.add(`${scheme}://${host}`);
  const publicUrl = getEnv().NEXTAUTH_URL;
  if (publicUrl) allowed.add(new URL(publicUrl).origin);
  return allowed;
}

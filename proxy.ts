import { NextResponse, type NextRequest } from 'next/server';
import { SESSION_COOKIES } from '@/lib/server/auth/session-cookies';
import { getEnv } from '@/lib/server/env';
import {
  createNonce,
  isServedOverHttps,
  responseKind,
  securityHeaders,
} from '@/lib/server/http/security-headers';

// Runs for every request (pages, route handlers, files) but the runtime API's to put the security
// headers on each; the runtime API's routes set them themselves (lib/server/api/security.ts).
// Pages get a Content-Security-Policy with a fresh nonce, which Next reads from the request
// headers and puts on its own scripts (so pages render per request).
// It also sends visitors without a session cookie to sign-in, remembering where they were going: a
// convenience only; every page, action and route handler still checks the session itself.
export function proxy(request: NextRequest) {
  const { pathname, search } = request.nextUrl;
  const env = getEnv();
  const kind = responseKind(pathname);
  const nonce = kind === 'page' ? createNonce() : undefined;
  const headers = securityHeaders({
    kind,
    nonce,
    isHttps: isServedOverHttps(request, env.NEXTAUTH_URL),
    isDevelopment: env.NODE_ENV === 'development',
  });

  let response: NextResponse;
  if (
    kind === 'page' &&
    !pathname.startsWith('/sign-in') &&
    !SESSION_COOKIES.some((name) => request.cookies.has(name))
  ) {
    const url = request.nextUrl.clone();
    url.pathname = '/sign-in';
    url.search = '';
    url.searchParams.set('callbackUrl', `${pathname}${search}`);
    response = NextResponse.redirect(url);
  } else if (nonce) {
    const forwarded = new Headers(request.headers);
    forwarded.set('x-nonce', nonce);
    forwarded.set('content-security-policy', headers['content-security-policy'] ?? '');
    response = NextResponse.next({ request: { headers: forwarded } });
  } else {
    response = NextResponse.next();
  }
  for (const [name, value] of Object.entries(headers)) response.headers.set(name, value);
  return response;
}

/** Everything but /api/v1 and /api/public: for the runtime API this proxy's cost was latency. */
export const config = { matcher: ['/((?!api/v1/|api/public/).*)'] };

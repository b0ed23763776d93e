import { NextResponse, type NextRequest } from 'next/server';

// A convenience only: it sends visitors without a session cookie to sign-in, remembering where they
// were going. Every page, action and route handler still checks the session itself.
const SESSION_COOKIES = ['next-auth.session-token', '__Secure-next-auth.session-token'];

export function proxy(request: NextRequest) {
  if (SESSION_COOKIES.some((name) => request.cookies.has(name))) return NextResponse.next();
  const url = request.nextUrl.clone();
  url.pathname = '/sign-in';
  url.search = '';
  url.searchParams.set('callbackUrl', `${request.nextUrl.pathname}${request.nextUrl.search}`);
  return NextResponse.redirect(url);
}

export const config = {
  matcher: ['/((?!api/|_next/|sign-in|favicon.ico|.*\\.(?:svg|png|ico|woff2?)$).*)'],
};

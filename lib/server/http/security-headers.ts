import 'server-only';

/** What a response is, for the headers it gets: an HTML page, a route handler's JSON, or a file. */
export type ResponseKind = 'page' | 'api' | 'asset';

export function responseKind(pathname: string): ResponseKind {
  if (pathname.startsWith('/api/')) return 'api';
  if (pathname.startsWith('/_next/') || /\.[a-z0-9]+$/i.test(pathname)) return 'asset';
  return 'page';
}

export interface SecurityHeaderOptions {
  kind: ResponseKind;
  /** This request's script nonce (pages only): Next puts it on its own scripts. */
  nonce?: string;
  /** Served over HTTPS (directly, behind a TLS proxy, or NEXTAUTH_URL is https). */
  isHttps: boolean;
  isDevelopment: boolean;
}

/** HSTS for two years, this host only: other hosts of the domain may still be plain HTTP. */
const HSTS = 'max-age=63072000';

export function contentSecurityPolicy({ kind, nonce, isDevelopment }: SecurityHeaderOptions): string {
  // JSON is never a document to render: nothing may load from it, and nothing may frame it.
  if (kind === 'api') return "default-src 'none'; frame-ancestors 'none'";
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    // Same-origin chunks, plus the inline scripts Next writes into this page with its nonce.
    // Development's React uses eval for its stack traces.
    'script-src': [
      "'self'",
      ...(nonce ? [`'nonce-${nonce}'`] : []),
      ...(isDevelopment ? ["'unsafe-eval'"] : []),
    ],
    // Monaco creates <style> elements and style attributes at run time, which no nonce can cover
    // (and a nonce in this list would make browsers ignore 'unsafe-inline').
    'style-src': ["'self'", "'unsafe-inline'"],
    // Monaco's editor worker is a same-origin module script; blob: for bundlers that wrap workers.
    'worker-src': ["'self'", 'blob:'],
    'img-src': ["'self'", 'data:', 'blob:'],
    'font-src': ["'self'", 'data:'],
    'connect-src': ["'self'"],
    'object-src': ["'none'"],
    'base-uri': ["'self'"],
    'form-action': ["'self'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, values]) => `${name} ${values.join(' ')}`)
    .join('; ');
}

/** The headers every response of the studio carries. */
export function securityHeaders(options: SecurityHeaderOptions): Record<string, string> {
  return {
    'content-security-policy': contentSecurityPolicy(options),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'strict-origin-when-cross-origin',
    // For browsers that predate frame-ancestors.
    'x-frame-options': 'DENY',
    ...(options.isHttps ? { 'strict-transport-security': HSTS } : {}),
  };
}

/**
 * HTTPS as the browser sees it. A TLS-terminating proxy says so in X-Forwarded-Proto; a client that
 * forges it only gets HSTS for itself.
 */
export function isServedOverHttps(request: Request, publicUrl: string | undefined): boolean {
  const forwarded = request.headers.get('x-forwarded-proto')?.split(',')[0]?.trim();
  return (
    forwarded === 'https' ||
    new URL(request.url).protocol === 'https:' ||
    publicUrl?.startsWith('https:') === true
  );
}

/** 128 random bits, base64: a fresh one per page request. */
export function createNonce(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(16))).toString('base64');
}

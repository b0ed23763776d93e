/**
 * `value` resolved against `origin` exactly as a browser resolves a link, or undefined when it
 * leaves that origin. Browsers drop tabs and newlines and read `\` as `/`, so `/<tab>/evil.example`
 * means `//evil.example`: only URL parsing, never a prefix check on the raw string, can decide this.
 */
export function resolveSameOrigin(value: string | null | undefined, origin: string): URL | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, origin);
    return url.origin === new URL(origin).origin ? url : undefined;
  } catch {
    return undefined;
  }
}

/** Where to go after sign-in: a same-origin path (no open redirects), else the home page. */
export function safeCallbackUrl(value: string | null | undefined, origin: string): string {
  const url = resolveSameOrigin(value, origin);
  if (!url) return '/';
  const path = `${url.pathname}${url.search}${url.hash}`;
  // `/.//evil.example` resolves to the path `//evil.example`, which a browser reads as a host.
  return /^\/[/\\]/.test(path) ? '/' : path;
}

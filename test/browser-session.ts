// Browsers holding next-auth session cookies, for integration tests of sessions. Signing in runs
// the real credentials provider and callbacks (lib/server/auth/options.ts); `serverSession` and
// `cookieJar` answer next-auth's getServerSession and next/headers' cookies() as next-auth and
// Next do for a JWT session, so the real getViewer and server actions run against these cookies.
import type { Session, User } from 'next-auth';
import { decode, encode, type JWT } from 'next-auth/jwt';
import { getAuthOptions, SESSION_MAX_AGE } from '@/lib/server/auth/options';

const SESSION_COOKIE = 'next-auth.session-token';

export class Browser {
  readonly cookies = new Map<string, string>();
}

let current: Browser | undefined;

/** Requests from now on come from `browser`. */
export function requestsFrom(browser: Browser): void {
  current = browser;
}

function secret(): string {
  const value = getAuthOptions().secret;
  if (!value) throw new Error('Set NEXTAUTH_SECRET (vi.stubEnv) before signing in.');
  return value;
}

async function store(browser: Browser, token: JWT): Promise<void> {
  browser.cookies.set(SESSION_COOKIE, await encode({ token, secret: secret(), maxAge: SESSION_MAX_AGE }));
}

/** Signs in through the credentials form; throws with the sign-in page's message when refused. */
export async function signIn(browser: Browser, email: string, password: string): Promise<void> {
  const { providers, callbacks } = getAuthOptions();
  const credentials = providers[0] as unknown as {
    options: { authorize(raw: unknown, req: { headers: Record<string, string> }): Promise<User> };
  };
  const user = await credentials.options.authorize({ email, password }, { headers: {} });
  const token = await callbacks!.jwt!({
    token: { sub: user.id, name: user.name, email: user.email },
    user,
    account: null,
  });
  await store(browser, token);
}

/** A cookie as sessions signed in before session stamps existed carry it. */
export async function signInBeforeStamps(
  browser: Browser,
  user: { id: string; email: string; name: string },
) {
  await store(browser, { sub: user.id, uid: user.id, name: user.name, email: user.email });
}

/** What getServerSession answers for the current browser. */
export async function serverSession(): Promise<Session | null> {
  const value = current?.cookies.get(SESSION_COOKIE);
  if (!value) return null;
  const decoded = await decode({ token: value, secret: secret() });
  if (!decoded) return null;
  const { callbacks } = getAuthOptions();
  const token = await callbacks!.jwt!({ token: decoded, user: undefined as unknown as User, account: null });
  const session = callbacks!.session! as (params: { session: Session; token: JWT }) => Promise<Session>;
  return session({ session: { user: { name: decoded.name, email: decoded.email }, expires: '' }, token });
}

/** next/headers' cookies() for a request from the current browser. */
export function cookieJar() {
  const browser = current;
  if (!browser) throw new Error('No browser: call requestsFrom first.');
  return {
    get: (name: string) => {
      const value = browser.cookies.get(name);
      return value === undefined ? undefined : { name, value };
    },
    set: (name: string, value: string) => void browser.cookies.set(name, value),
  };
}

import 'server-only';
import { decode, encode } from 'next-auth/jwt';
import { cookies } from 'next/headers';
import { logger } from '../logger';
import { getAuthOptions, SESSION_MAX_AGE } from './options';
import { SESSION_COOKIES } from './session-cookies';

/**
 * Re-issues the caller's session cookie (from a server action) with the account's new stamp, so
 * the session that changed the password stays signed in while every other one ends at its next
 * request. Without a session cookie of `userId` to renew (or a secret to sign it with), this
 * session ends as well: the safe way to fail.
 */
export async function renewSession(userId: string, sessionsValidFrom: Date): Promise<void> {
  const { secret } = getAuthOptions();
  const jar = await cookies();
  let isRenewed = false;
  for (const name of SESSION_COOKIES) {
    const value = jar.get(name)?.value;
    if (!value || !secret) continue;
    const token = await decode({ token: value, secret }).catch(() => null);
    if (token?.uid !== userId) continue;
    const renewed = await encode({
      token: { ...token, sessionsValidFrom: sessionsValidFrom.getTime() },
      secret,
      maxAge: SESSION_MAX_AGE,
    });
    // The attributes next-auth gives this cookie (next-auth/core/lib/cookie.js).
    jar.set(name, renewed, {
      httpOnly: true,
      sameSite: 'lax',
      path: '/',
      secure: name.startsWith('__Secure-'),
      maxAge: SESSION_MAX_AGE,
    });
    isRenewed = true;
  }
  if (!isRenewed) logger.warn({ userId }, 'signed out everywhere, but this session could not be renewed');
}

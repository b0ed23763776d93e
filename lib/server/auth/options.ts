import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { resolveSameOrigin } from '@/lib/client/safe-callback';
import { getPrisma } from '../db';
import { getEnv } from '../env';
import { CLIENT_ADDRESS_HEADER } from './client-address';
import { signInWithPassword } from './sign-in';

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

/**
 * Shown on the sign-in page; next-auth passes an Error's message through as the `error` field.
 * A wrong password and a paused account read the same, so the answer tells a guesser nothing.
 */
export const SIGN_IN_MESSAGES = {
  refused: 'Wrong email or password. After repeated failures, sign-in pauses for a few minutes.',
  busy: 'The server is busy signing other people in. Try again in a few seconds.',
};

/** Seconds a session lasts without signing in again. */
export const SESSION_MAX_AGE = 7 * 24 * 60 * 60;

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getEnv().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: SESSION_MAX_AGE },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(raw, req) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new Error(SIGN_IN_MESSAGES.refused);
          const address = req.headers?.[CLIENT_ADDRESS_HEADER] as string | undefined;
          const result = await signInWithPassword(await getPrisma(), { ...parsed.data, address });
          if (result.ok)
            return { ...result.user, sessionsValidFrom: result.user.sessionsValidFrom.getTime() };
          throw new Error(SIGN_IN_MESSAGES[result.reason]);
        },
      }),
    ],
    callbacks: {
      /** Only the studio's own origin, resolved as a browser would (no open redirects). */
      redirect({ url, baseUrl }) {
        return resolveSameOrigin(url, baseUrl)?.href ?? baseUrl;
      },
      jwt({ token, user }) {
        if (user) {
          token.uid = user.id;
          token.sessionsValidFrom = user.sessionsValidFrom; // see session-stamp.ts
        }
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === 'string') session.user.id = token.uid;
        if (typeof token.sessionsValidFrom === 'number') session.sessionsValidFrom = token.sessionsValidFrom;
        return session;
      },
    },
  };
}

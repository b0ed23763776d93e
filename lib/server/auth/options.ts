import 'server-only';
import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { z } from 'zod';
import { getPrisma } from '../db';
import { getEnv } from '../env';
import { signInWithPassword } from './sign-in';

const credentialsSchema = z.object({
  email: z.string().trim().min(1).max(320),
  password: z.string().min(1).max(1024),
});

/** Shown on the sign-in page; next-auth passes an Error's message through as the `error` field. */
export const SIGN_IN_MESSAGES = {
  invalid: 'Wrong email or password.',
  locked: (minutes: number) =>
    `Too many failed sign-ins for this account. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
};

export function getAuthOptions(): NextAuthOptions {
  return {
    secret: getEnv().NEXTAUTH_SECRET,
    session: { strategy: 'jwt', maxAge: 7 * 24 * 60 * 60 },
    pages: { signIn: '/sign-in', error: '/sign-in' },
    providers: [
      CredentialsProvider({
        name: 'Email and password',
        credentials: {
          email: { label: 'Email', type: 'email' },
          password: { label: 'Password', type: 'password' },
        },
        async authorize(raw) {
          const parsed = credentialsSchema.safeParse(raw);
          if (!parsed.success) throw new Error(SIGN_IN_MESSAGES.invalid);
          const result = await signInWithPassword(await getPrisma(), parsed.data.email, parsed.data.password);
          if (result.ok) return result.user;
          if (result.reason === 'locked')
            throw new Error(SIGN_IN_MESSAGES.locked(Math.ceil(result.retryAfterMs / 60_000)));
          throw new Error(SIGN_IN_MESSAGES.invalid);
        },
      }),
    ],
    callbacks: {
      jwt({ token, user }) {
        if (user) token.uid = user.id;
        return token;
      },
      session({ session, token }) {
        if (session.user && typeof token.uid === 'string') session.user.id = token.uid;
        return session;
      },
    },
  };
}

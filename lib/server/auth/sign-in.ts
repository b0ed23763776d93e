import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { isLoomError } from '@/lib/loom/core';
import { getDummyHash, verifyPassword } from './password';
import {
  accountKey,
  addressKey,
  refundSignInAttempt,
  reserveSignInAttempt,
  settleSignInSuccess,
} from './throttle';

/**
 * `refused` covers a wrong password, an unknown email and a throttled account or address alike,
 * so the answer tells a guesser nothing. `busy` means no password was checked at all.
 */
export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string; sessionsValidFrom: Date } }
  | { ok: false; reason: 'refused' | 'busy' };

export interface SignInAttempt {
  email: string;
  password: string;
  /** The client's address (lib/server/auth/client-address.ts); undefined shares one bucket. */
  address: string | undefined;
}

/**
 * Checks credentials. The attempt is counted (per address and per account, atomically in the
 * database) before the slow hash runs, so parallel guesses cannot all slip past the limit.
 */
export async function signInWithPassword(
  prisma: PrismaClient,
  attempt: SignInAttempt,
  now = new Date(),
): Promise<SignInResult> {
  const email = attempt.email.trim().toLowerCase();
  const keys = { account: accountKey(email), address: addressKey(attempt.address) };
  if (!(await reserveSignInAttempt(prisma, keys, now))) return { ok: false, reason: 'refused' };
  try {
    const user = await prisma.user.findUnique({ where: { email } });
    // Unknown emails are checked against a dummy hash, so timing does not reveal which exist.
    const matches = await verifyPassword(attempt.password, user?.passwordHash ?? (await getDummyHash()));
    if (!user || !matches) return { ok: false, reason: 'refused' };
    await settleSignInSuccess(prisma, keys, now);
    // The stamp comes from the row whose hash was checked (session-stamp.ts).
    return {
      ok: true,
      user: { id: user.id, email: user.email, name: user.name, sessionsValidFrom: user.sessionsValidFrom },
    };
  } catch (error) {
    if (!isLoomError(error, 'RATE_LIMITED')) throw error;
    await refundSignInAttempt(prisma, keys, now);
    return { ok: false, reason: 'busy' };
  }
}

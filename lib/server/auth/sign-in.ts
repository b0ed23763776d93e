import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { getDummyHash, verifyPassword } from './password';

/** Failures allowed before an account is locked; each further failure doubles the lock. */
const FREE_ATTEMPTS = 5;
const BASE_LOCK_MS = 30_000;
const MAX_LOCK_MS = 15 * 60_000;

export type SignInResult =
  | { ok: true; user: { id: string; email: string; name: string } }
  | { ok: false; reason: 'invalid' }
  | { ok: false; reason: 'locked'; retryAfterMs: number };

export function lockDuration(failures: number): number {
  if (failures < FREE_ATTEMPTS) return 0;
  return Math.min(MAX_LOCK_MS, BASE_LOCK_MS * 2 ** (failures - FREE_ATTEMPTS));
}

/** Checks credentials and throttles repeated failures per account. */
export async function signInWithPassword(
  prisma: PrismaClient,
  email: string,
  password: string,
  now = new Date(),
): Promise<SignInResult> {
  const user = await prisma.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user) {
    await verifyPassword(password, await getDummyHash());
    return { ok: false, reason: 'invalid' };
  }
  if (user.lockedUntil && user.lockedUntil > now) {
    return { ok: false, reason: 'locked', retryAfterMs: user.lockedUntil.getTime() - now.getTime() };
  }
  if (await verifyPassword(password, user.passwordHash)) {
    if (user.failedSignIns > 0) {
      await prisma.user.update({ where: { id: user.id }, data: { failedSignIns: 0, lockedUntil: null } });
    }
    return { ok: true, user: { id: user.id, email: user.email, name: user.name } };
  }
  // Increment in the database so concurrent guesses cannot slip past the counter.
  const updated = await prisma.user.update({
    where: { id: user.id },
    data: { failedSignIns: { increment: 1 } },
  });
  const lockMs = lockDuration(updated.failedSignIns);
  if (lockMs > 0) {
    await prisma.user.update({
      where: { id: user.id },
      data: { lockedUntil: new Date(now.getTime() + lockMs) },
    });
    return { ok: false, reason: 'locked', retryAfterMs: lockMs };
  }
  return { ok: false, reason: 'invalid' };
}

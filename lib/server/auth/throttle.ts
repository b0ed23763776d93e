import 'server-only';
import type { Prisma, PrismaClient } from '@/lib/generated/prisma/client';

/**
 * A leaky bucket: each attempt adds one; one drains every `refillMs`. An attempt that would take
 * the score past `capacity` is refused. The score never exceeds capacity + 1, so a pause ends two
 * refills after the last refused attempt: nobody stays locked once the guessing stops.
 */
export interface BucketPolicy {
  capacity: number;
  refillMs: number;
}

/** Ten guesses at once, then one every two minutes: 30 an hour per account, whoever sends them. */
export const ACCOUNT_POLICY: BucketPolicy = { capacity: 10, refillMs: 2 * 60_000 };

/**
 * Thirty failures at once from one address (an office behind one NAT), then one every four
 * minutes. It drains slower than an account's, so keeping an account locked (more than one guess
 * per two minutes) from one address soon throttles that address, and the account drains again.
 */
export const ADDRESS_POLICY: BucketPolicy = { capacity: 30, refillMs: 4 * 60_000 };

/** A row untouched this long has drained to zero on every policy and can go. */
const EXPIRED_AFTER_MS = Math.max(
  (ACCOUNT_POLICY.capacity + 1) * ACCOUNT_POLICY.refillMs,
  (ADDRESS_POLICY.capacity + 1) * ADDRESS_POLICY.refillMs,
);

export function accountKey(email: string): string {
  return `account:${email.trim().toLowerCase()}`;
}

export function addressKey(address: string | undefined): string {
  return `address:${address ?? 'unknown'}`;
}

/**
 * Adds `delta` to a bucket after draining it for the time since its last update, in one statement:
 * PostgreSQL locks the row for the upsert, so parallel attempts (from any instance) each see the
 * count the previous one left. Returns the new score.
 */
async function addToBucket(
  prisma: PrismaClient,
  key: string,
  policy: BucketPolicy,
  delta: number,
  now: Date,
): Promise<number> {
  const rows = await prisma.$queryRaw<{ score: number }[]>`
    INSERT INTO "SignInThrottle" AS t ("key", "score", "updatedAt")
    VALUES (${key}, ${Math.max(0, delta)}, ${now})
    ON CONFLICT ("key") DO UPDATE SET
      "score" = LEAST(
        ${policy.capacity + 1}::float8,
        GREATEST(
          0::float8,
          GREATEST(
            0::float8,
            t."score" - GREATEST(0::float8, EXTRACT(EPOCH FROM (EXCLUDED."updatedAt" - t."updatedAt")) * 1000 / ${policy.refillMs}::float8)
          ) + ${delta}::float8
        )
      ),
      "updatedAt" = GREATEST(t."updatedAt", EXCLUDED."updatedAt")
    RETURNING "score"`;
  return rows[0]?.score ?? 0;
}

export interface SignInKeys {
  account: string;
  address: string;
}

/**
 * Takes one attempt from the address's bucket and then the account's, before any password is
 * checked. Only attempts the address allows count against the account, so a throttled address
 * cannot keep an account locked.
 */
export async function reserveSignInAttempt(
  prisma: PrismaClient,
  keys: SignInKeys,
  now = new Date(),
): Promise<boolean> {
  await pruneNowAndThen(prisma, now);
  if ((await addToBucket(prisma, keys.address, ADDRESS_POLICY, 1, now)) > ADDRESS_POLICY.capacity)
    return false;
  return (await addToBucket(prisma, keys.account, ACCOUNT_POLICY, 1, now)) <= ACCOUNT_POLICY.capacity;
}

/** A successful sign-in: the account starts afresh and the address gets its attempt back. */
export async function settleSignInSuccess(prisma: PrismaClient, keys: SignInKeys, now = new Date()) {
  await prisma.signInThrottle.deleteMany({ where: { key: keys.account } });
  await addToBucket(prisma, keys.address, ADDRESS_POLICY, -1, now);
}

/** An attempt that never reached the password check (the server was busy) is given back. */
export async function refundSignInAttempt(prisma: PrismaClient, keys: SignInKeys, now = new Date()) {
  await addToBucket(prisma, keys.address, ADDRESS_POLICY, -1, now);
  await addToBucket(prisma, keys.account, ACCOUNT_POLICY, -1, now);
}

/** An admin lifts the pause on a member's account (inside the change's transaction). */
export async function unlockAccount(prisma: PrismaClient | Prisma.TransactionClient, email: string) {
  await prisma.signInThrottle.deleteMany({ where: { key: accountKey(email) } });
}

/** The emails among `emails` whose next sign-in attempt would be refused. */
export async function findPausedAccounts(
  prisma: PrismaClient,
  emails: string[],
  now = new Date(),
): Promise<Set<string>> {
  const rows = await prisma.signInThrottle.findMany({ where: { key: { in: emails.map(accountKey) } } });
  const paused = new Set<string>();
  for (const row of rows) {
    const drained = Math.max(0, now.getTime() - row.updatedAt.getTime()) / ACCOUNT_POLICY.refillMs;
    if (row.score - drained > ACCOUNT_POLICY.capacity - 1) paused.add(row.key.slice('account:'.length));
  }
  return paused;
}

let lastPrunedAt = 0;
/** Rows for addresses and emails that stopped trying are deleted, at most once a minute per process. */
async function pruneNowAndThen(prisma: PrismaClient, now: Date) {
  if (Math.abs(now.getTime() - lastPrunedAt) < 60_000) return;
  lastPrunedAt = now.getTime();
  await pruneExpiredThrottles(prisma, now);
}

export async function pruneExpiredThrottles(prisma: PrismaClient, now = new Date()) {
  await prisma.signInThrottle.deleteMany({
    where: { updatedAt: { lt: new Date(now.getTime() - EXPIRED_AFTER_MS) } },
  });
}

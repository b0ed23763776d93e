// Sign-in and its throttling against a real PostgreSQL server (parallel requests on several
// connections, as several studio instances would send them).
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import type * as Password from './password';

const hashing = vi.hoisted(() => ({ verifications: 0 }));
vi.mock('./password', async (importOriginal) => {
  const original = await importOriginal<typeof Password>();
  return {
    ...original,
    verifyPassword: (password: string, stored: string) => {
      hashing.verifications++;
      return original.verifyPassword(password, stored);
    },
  };
});

const { hashPassword } = await import('./password');
const { signInWithPassword } = await import('./sign-in');
const {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  accountKey,
  addressKey,
  findPausedAccounts,
  reserveSignInAttempt,
  unlockAccount,
} = await import('./throttle');

let db: TestDatabase;
let n = 0;
const T0 = new Date('2026-01-01T00:00:00Z');
const at = (ms: number) => new Date(T0.getTime() + ms);
const PASSWORD = 'correct horse';

/** A fresh account per test, so buckets never leak between tests. */
async function account(): Promise<string> {
  const email = `ada-${++n}@x.test`;
  await db.prisma.user.create({ data: { email, name: 'Ada', passwordHash: await hashPassword(PASSWORD) } });
  return email;
}
const addr = () => `10.0.${Math.floor(++n / 250)}.${n % 250}`;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
});
afterAll(() => db.close());
beforeEach(() => {
  hashing.verifications = 0;
});

describe('signInWithPassword', () => {
  it('accepts the right password, case-insensitively on the email', async () => {
    const email = await account();
    expect(
      await signInWithPassword(db.prisma, {
        email: ` ${email.toUpperCase()} `,
        password: PASSWORD,
        address: addr(),
      }),
    ).toMatchObject({ ok: true, user: { email, name: 'Ada' } });
  });

  it('answers an unknown email exactly like a wrong password, and hashes for both', async () => {
    const email = await account();
    expect(
      await signInWithPassword(db.prisma, { email: 'nobody@x.test', password: 'x', address: addr() }),
    ).toEqual({
      ok: false,
      reason: 'refused',
    });
    expect(await signInWithPassword(db.prisma, { email, password: 'wrong', address: addr() })).toEqual({
      ok: false,
      reason: 'refused',
    });
    expect(hashing.verifications).toBe(2);
  });

  it('pauses an account after its burst of failures, from any address, without hashing; it drains again', async () => {
    const email = await account();
    for (let i = 0; i < ACCOUNT_POLICY.capacity; i++) {
      await signInWithPassword(db.prisma, { email, password: `wrong-${i}`, address: addr() }, T0);
    }
    hashing.verifications = 0;
    // The right password from a new address: same answer as a wrong one, and no hash was spent.
    expect(
      await signInWithPassword(db.prisma, { email, password: PASSWORD, address: addr() }, at(1_000)),
    ).toEqual({
      ok: false,
      reason: 'refused',
    });
    expect(hashing.verifications).toBe(0);
    expect(await findPausedAccounts(db.prisma, [email], at(2_000))).toEqual(new Set([email]));
    // The refused attempt topped the bucket up; two refills later there is room again.
    const later = at(1_000 + 2 * ACCOUNT_POLICY.refillMs);
    expect(
      await signInWithPassword(db.prisma, { email, password: PASSWORD, address: addr() }, later),
    ).toMatchObject({
      ok: true,
    });
    expect(await db.prisma.signInThrottle.count({ where: { key: accountKey(email) } })).toBe(0);
  });

  it('lets an admin unlock a paused account at once', async () => {
    const email = await account();
    for (let i = 0; i <= ACCOUNT_POLICY.capacity; i++) {
      await signInWithPassword(db.prisma, { email, password: `wrong-${i}`, address: addr() }, T0);
    }
    await unlockAccount(db.prisma, email.toUpperCase());
    expect(await findPausedAccounts(db.prisma, [email], at(1))).toEqual(new Set());
    expect(
      await signInWithPassword(db.prisma, { email, password: PASSWORD, address: addr() }, at(2)),
    ).toMatchObject({
      ok: true,
    });
  });

  it('throttles one address across many accounts, while other addresses still get in', async () => {
    const address = addr();
    for (let i = 0; i < ADDRESS_POLICY.capacity; i++) {
      await reserveSignInAttempt(
        db.prisma,
        { account: accountKey(`spray-${i}@x.test`), address: addressKey(address) },
        T0,
      );
    }
    const email = await account();
    expect(await signInWithPassword(db.prisma, { email, password: PASSWORD, address }, at(1))).toEqual({
      ok: false,
      reason: 'refused',
    });
    expect(
      await signInWithPassword(db.prisma, { email, password: PASSWORD, address: addr() }, at(2)),
    ).toMatchObject({
      ok: true,
    });
  });

  it('does not count successful sign-ins against a shared address', async () => {
    const address = addr();
    const email = await account();
    for (let i = 0; i < 3; i++) {
      expect(await signInWithPassword(db.prisma, { email, password: PASSWORD, address }, T0)).toMatchObject({
        ok: true,
      });
    }
    const row = await db.prisma.signInThrottle.findUniqueOrThrow({ where: { key: addressKey(address) } });
    expect(row.score).toBe(0);
  });

  it('lets no more parallel guesses reach the hash than the account allows', async () => {
    const email = await account();
    const results = await Promise.all(
      Array.from({ length: 3 * ACCOUNT_POLICY.capacity }, (_, i) =>
        signInWithPassword(db.prisma, { email, password: `guess-${i}`, address: addr() }, T0),
      ),
    );
    expect(results.every((r) => !r.ok)).toBe(true);
    expect(hashing.verifications).toBe(ACCOUNT_POLICY.capacity);
  });

  it('answers "busy" beyond the hashes in flight and its short queue, and gives those attempts back', async () => {
    const emails = Array.from({ length: 60 }, () => `burst-${++n}@x.test`);
    const results = await Promise.all(
      emails.map((email) => signInWithPassword(db.prisma, { email, password: 'guess', address: addr() }, T0)),
    );
    const busy = emails.filter((_, i) => results[i]?.ok === false && results[i].reason === 'busy');
    expect(busy.length).toBeGreaterThan(0);
    const rows = await db.prisma.signInThrottle.findMany({ where: { key: { in: busy.map(accountKey) } } });
    expect(rows.every((r) => r.score === 0)).toBe(true);
  });
});

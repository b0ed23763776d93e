import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import {
  ACCOUNT_POLICY,
  ADDRESS_POLICY,
  accountKey,
  addressKey,
  pruneExpiredThrottles,
  reserveSignInAttempt,
  settleSignInSuccess,
} from './throttle';

let db: TestDatabase;
const T0 = new Date('2026-01-01T00:00:00Z');
const MINUTE = 60_000;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'pglite' });
});
afterAll(() => db.close());

describe('sign-in throttle', () => {
  it('keeps an account attacked from one address locked only until that address is throttled too', async () => {
    const attacker = { account: accountKey('victim@x.test'), address: addressKey('203.0.113.9') };
    const owner = { account: attacker.account, address: addressKey('198.51.100.7') };
    // The attacker guesses at exactly the rate that keeps the account full, for six hours; the
    // owner tries the right password every ten minutes.
    let ownerGotIn: number | undefined;
    for (let t = 0; t <= 6 * 60 * MINUTE; t += ACCOUNT_POLICY.refillMs / 2) {
      await reserveSignInAttempt(db.prisma, attacker, new Date(T0.getTime() + t));
      if (t % (10 * MINUTE) === 0 && t > 0 && ownerGotIn === undefined) {
        const now = new Date(T0.getTime() + t + 1);
        if (await reserveSignInAttempt(db.prisma, owner, now)) {
          ownerGotIn = t;
          await settleSignInSuccess(db.prisma, owner, now);
        }
      }
    }
    expect(ownerGotIn).toBeDefined();
    // The address fills after capacity / (attack rate - drain rate); within a few refills after that.
    const addressFull = ADDRESS_POLICY.capacity / (2 / ACCOUNT_POLICY.refillMs - 1 / ADDRESS_POLICY.refillMs);
    expect(ownerGotIn).toBeLessThan(addressFull + 60 * MINUTE);
  });

  it('stores times that Prisma reads back unchanged', async () => {
    const keys = { account: accountKey('clock@x.test'), address: addressKey('192.0.2.1') };
    await reserveSignInAttempt(db.prisma, keys, T0);
    const row = await db.prisma.signInThrottle.findUniqueOrThrow({ where: { key: keys.account } });
    expect(row.updatedAt.toISOString()).toBe(T0.toISOString());
    expect(row.score).toBe(1);
  });

  it('forgets buckets that drained long ago', async () => {
    const keys = { account: accountKey('old@x.test'), address: addressKey('192.0.2.2') };
    await reserveSignInAttempt(db.prisma, keys, T0);
    await pruneExpiredThrottles(db.prisma, new Date(T0.getTime() + 24 * 60 * MINUTE));
    expect(
      await db.prisma.signInThrottle.count({ where: { key: { in: [keys.account, keys.address] } } }),
    ).toBe(0);
  });
});

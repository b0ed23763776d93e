import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { hashPassword } from './password';
import { lockDuration, signInWithPassword } from './sign-in';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'pglite' });
  await db.prisma.user.create({
    data: { email: 'ada@x.test', name: 'Ada', passwordHash: await hashPassword('correct horse') },
  });
});
afterAll(() => db.close());

describe('signInWithPassword', () => {
  it('accepts the right password, case-insensitively on the email', async () => {
    expect(await signInWithPassword(db.prisma, ' ADA@x.test ', 'correct horse')).toMatchObject({
      ok: true,
      user: { name: 'Ada' },
    });
  });

  it('says nothing about whether an account exists', async () => {
    expect(await signInWithPassword(db.prisma, 'nobody@x.test', 'x')).toEqual({
      ok: false,
      reason: 'invalid',
    });
    expect(await signInWithPassword(db.prisma, 'ada@x.test', 'wrong')).toEqual({
      ok: false,
      reason: 'invalid',
    });
  });

  it('locks an account after repeated failures, even against the right password, then lets it in later', async () => {
    const t0 = new Date('2026-01-01T00:00:00Z');
    let last;
    for (let i = 0; i < 5; i++) last = await signInWithPassword(db.prisma, 'ada@x.test', `wrong-${i}`, t0);
    expect(last).toMatchObject({ ok: false, reason: 'locked' });
    expect(
      await signInWithPassword(db.prisma, 'ada@x.test', 'correct horse', new Date(t0.getTime() + 1_000)),
    ).toMatchObject({
      reason: 'locked',
    });
    const later = new Date(t0.getTime() + 10 * 60_000);
    expect(await signInWithPassword(db.prisma, 'ada@x.test', 'correct horse', later)).toMatchObject({
      ok: true,
    });
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'ada@x.test' } });
    expect(user.failedSignIns).toBe(0);
  });

  it('doubles the lock with every further failure, up to a cap', () => {
    expect(lockDuration(4)).toBe(0);
    expect(lockDuration(5)).toBe(30_000);
    expect(lockDuration(6)).toBe(60_000);
    expect(lockDuration(30)).toBe(15 * 60_000);
  });
});

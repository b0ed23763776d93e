import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword, verifyPassword } from '@/lib/server/auth/password';
import { accountKey } from '@/lib/server/auth/throttle';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const ROOT = path.resolve(import.meta.dirname, '..');
let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  await db.prisma.user.create({
    data: { email: 'lost@x.test', name: 'Lost', passwordHash: await hashPassword('forgotten-password') },
  });
  await db.prisma.signInThrottle.create({
    data: { key: accountKey('lost@x.test'), score: 11, updatedAt: new Date() },
  });
});
afterAll(() => db.close());

function resetPassword(...args: string[]) {
  return spawnSync(
    process.execPath,
    ['--conditions=react-server', '--import', 'tsx', 'scripts/reset-password.ts', ...args],
    {
      cwd: ROOT,
      env: {
        NODE_ENV: 'development',
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? '',
        DATABASE_URL: db.url ?? '',
      },
      encoding: 'utf8',
      timeout: 60_000,
    },
  );
}

describe('npm run user:reset-password', () => {
  it('prints a new password that signs in, and lifts the sign-in pause', async () => {
    const result = resetPassword('Lost@x.test');
    expect(result.status).toBe(0);
    const password = /New password for lost@x\.test: (\S+)/.exec(result.stdout)?.[1];
    expect(password).toMatch(/^[\w-]{16}$/);
    const user = await db.prisma.user.findUniqueOrThrow({ where: { email: 'lost@x.test' } });
    expect(await verifyPassword(password ?? '', user.passwordHash)).toBe(true);
    expect(await verifyPassword('forgotten-password', user.passwordHash)).toBe(false);
    expect(await db.prisma.signInThrottle.count({ where: { key: accountKey('lost@x.test') } })).toBe(0);
  });

  it('says so in one line when there is no such account, and how to call it without one', () => {
    const unknown = resetPassword('nobody@x.test');
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim()).toBe('✖ There is no account for nobody@x.test.');
    const usage = resetPassword();
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/Usage: npm run user:reset-password -- <email>/);
  });
});

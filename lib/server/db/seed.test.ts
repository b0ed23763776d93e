import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { ADMIN_CREATED_LINE, ensureSeed } from './seed';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ kind: 'pglite' });
});
afterAll(() => db.close());

describe('ensureSeed', () => {
  it('announces the admin account only on the start that creates it, and never changes it after', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const env = { LOOM_ADMIN_EMAIL: 'Admin@X.test', LOOM_ADMIN_PASSWORD: 'first-password' };
      await ensureSeed(db.prisma, env);
      const created = await db.prisma.user.findUniqueOrThrow({ where: { email: 'admin@x.test' } });
      await ensureSeed(db.prisma, { ...env, LOOM_ADMIN_PASSWORD: 'a-later-random-one' });
      const announcements = log.mock.calls.filter(([line]) => String(line).startsWith(ADMIN_CREATED_LINE));
      expect(announcements).toEqual([[`${ADMIN_CREATED_LINE} admin@x.test`]]);
      const after = await db.prisma.user.findUniqueOrThrow({ where: { email: 'admin@x.test' } });
      expect(after.passwordHash).toBe(created.passwordHash);
    } finally {
      log.mockRestore();
    }
  });
});

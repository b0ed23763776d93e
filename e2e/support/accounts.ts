import { randomBytes, scryptSync } from 'node:crypto';
import { withSeededWorkspace } from './database';

export type Role = 'admin' | 'editor' | 'viewer';

export interface Account {
  email: string;
  password: string;
  name: string;
  role: Role;
}

/** Same stored format as lib/server/auth/password.ts (scrypt$N$r$p$salt$key). */
function hash(password: string): string {
  const salt = randomBytes(16);
  const key = scryptSync(password, salt, 32, { N: 2 ** 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
  return ['scrypt', 2 ** 15, 8, 1, salt.toString('base64'), key.toString('base64')].join('$');
}

/** Creates a member of the seeded workspace with a unique email, straight in the database. */
export async function createAccount(role: Role, label: string = role): Promise<Account> {
  const id = randomBytes(6).toString('hex');
  const account = {
    email: `${label}-${id}@e2e.test`,
    password: `pw-${id}-secret`,
    name: `${label} ${id}`,
    role,
  };
  await withSeededWorkspace(async (client, workspaceId) => {
    await client.query('INSERT INTO "User" (id, email, name, "passwordHash") VALUES ($1, $2, $3, $4)', [
      `u_${id}`,
      account.email,
      account.name,
      hash(account.password),
    ]);
    await client.query('INSERT INTO "Membership" ("userId", "workspaceId", role) VALUES ($1, $2, $3)', [
      `u_${id}`,
      workspaceId,
      role,
    ]);
  });
  return account;
}

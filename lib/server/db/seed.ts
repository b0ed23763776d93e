import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Env } from '../env';
import { hashPassword } from '../auth/password';
import { seedDemoWorkspace } from './demo';

export const DEMO_WORKSPACE = { slug: 'demo', name: 'Demo workspace' } as const;

/** Printed when the admin account is created; `npm start` shows the sign-in details only then. */
export const ADMIN_CREATED_LINE = '[loom] admin account created:';

/**
 * Makes sure the configured admin can sign in: creates the demo workspace when there is none and
 * the admin account when it does not exist. An existing account is never changed (its password
 * may have been changed since). A workspace created here also gets the demo data (the simulator
 * provider and a few prompts).
 */
export async function ensureSeed(
  prisma: PrismaClient,
  env: Pick<Env, 'LOOM_ADMIN_EMAIL' | 'LOOM_ADMIN_PASSWORD' | 'LOOM_SIMULATOR_URL'>,
) {
  if (!env.LOOM_ADMIN_EMAIL || !env.LOOM_ADMIN_PASSWORD) return;
  const email = env.LOOM_ADMIN_EMAIL.toLowerCase();
  if (await prisma.user.findUnique({ where: { email } })) return;
  const passwordHash = await hashPassword(env.LOOM_ADMIN_PASSWORD);
  const createdWorkspaceId = await prisma.$transaction(async (tx) => {
    const existing = await tx.workspace.findFirst({ orderBy: { createdAt: 'asc' } });
    const workspace = existing ?? (await tx.workspace.create({ data: DEMO_WORKSPACE }));
    await tx.user.create({
      data: {
        email,
        name: 'Admin',
        passwordHash,
        memberships: { create: { workspaceId: workspace.id, role: 'admin' } },
      },
    });
    return existing ? undefined : workspace.id;
  });
  console.log(`${ADMIN_CREATED_LINE} ${email}`);
  if (createdWorkspaceId) await seedDemoWorkspace(prisma, createdWorkspaceId, env, email);
}

// The landing page's overview against a real PostgreSQL database: an empty workspace, the demo
// workspace of a first start, and activity merged from saved versions and the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { writeAudit } from './audit';
import { ensureSeed } from './db/seed';
import { loadHomeOverview } from './home';
import { moveLabel } from './prompts/prompt-history';

let db: TestDatabase;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
});
afterAll(() => db.close());

async function newWorkspace(slug: string) {
  return (await db.prisma.workspace.create({ data: { slug, name: slug } })).id;
}

describe('loadHomeOverview', () => {
  // First: a first start seeds the oldest workspace, so it must find none.
  it('makes a first start alive: the demo prompts in production and who saved them', async () => {
    await ensureSeed(db.prisma, {
      LOOM_ADMIN_EMAIL: 'Admin@Loom.local',
      LOOM_ADMIN_PASSWORD: 'first-start-password',
      LOOM_SIMULATOR_URL: 'http://127.0.0.1:45678',
    });
    const demo = await db.prisma.workspace.findUniqueOrThrow({ where: { slug: 'demo' } });
    const overview = await loadHomeOverview(db.prisma, demo.id);

    expect(overview.counts).toEqual({ prompts: 4, inProduction: 4, members: 1 });
    expect(overview.production).toContainEqual(
      expect.objectContaining({
        promptId: 'support-reply',
        name: 'Support reply',
        version: 2,
        latestVersion: 2,
      }),
    );
    expect(overview.activity).toContainEqual(
      expect.objectContaining({
        actor: 'Admin',
        text: 'saved Support reply v2: “Tone and length controls, with an example”',
        href: '/prompts/support-reply/history',
      }),
    );
    // The simulator is the demo's stand-in: connecting a real provider is still to do.
    expect(overview.done).toEqual({
      provider: false,
      prompt: true,
      run: false,
      production: true,
      teammate: false,
    });
  });

  it('shows an empty workspace nothing but the getting-started steps, none done', async () => {
    const overview = await loadHomeOverview(db.prisma, await newWorkspace('empty'));
    expect(overview).toEqual({
      counts: { prompts: 0, inProduction: 0, members: 0 },
      production: [],
      activity: [],
      done: { provider: false, prompt: false, run: false, production: false, teammate: false },
    });
  });

  it('merges label moves and member changes into the activity, newest first, in plain words', async () => {
    const workspaceId = await newWorkspace('busy');
    const ana = await db.prisma.user.create({
      data: {
        email: 'ana@x.test',
        name: 'Ana',
        passwordHash: 'x',
        memberships: { create: { workspaceId, role: 'admin' } },
      },
    });
    const bo = await db.prisma.user.create({
      data: {
        email: 'bo@x.test',
        name: 'Bo',
        passwordHash: 'x',
        memberships: { create: { workspaceId, role: 'viewer' } },
      },
    });
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    await registry.save({ id: 'greet', version: 0, name: 'Greet', user: 'Hi' }, { author: 'ana@x.test' });
    await registry.save(
      { id: 'greet', version: 0, name: 'Greet', user: 'Hello' },
      { author: 'ana@x.test', message: 'Warmer' },
    );
    const actor = { workspaceId, userId: ana.id, email: 'ana@x.test', role: 'admin' as const };
    await moveLabel(db.prisma, actor, { promptId: 'greet', label: 'production', version: 2 });
    await moveLabel(db.prisma, actor, { promptId: 'greet', label: 'production', version: 1 });
    await writeAudit(db.prisma, actor, 'member.role', `user:${bo.id}`, { role: 'editor' });

    const overview = await loadHomeOverview(db.prisma, workspaceId);
    expect(overview.activity.map((a) => `${a.actor} ${a.text}`)).toEqual([
      'Ana made Bo an editor',
      'Ana rolled back Greet from v2 to v1',
      'Ana promoted Greet v2 to production',
      'Ana saved Greet v2: “Warmer”',
      'Ana saved Greet v1 (new prompt)',
    ]);
    expect(overview.production).toEqual([
      expect.objectContaining({ promptId: 'greet', version: 1, latestVersion: 2 }),
    ]);
    expect(overview.done).toMatchObject({ prompt: true, production: true, teammate: true });
  });
});

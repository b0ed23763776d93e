// The landing page's overview against a real PostgreSQL database: an empty workspace, the demo
// workspace of a first start, and activity merged from saved versions and the audit log.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { AUDIT_ACTIONS, writeAudit } from './audit';
import { ensureSeed } from './db/seed';
import { describeEvent, loadHomeOverview } from './home';
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

  it('names what each event is about: a webhook by URL, an experiment by name, a suite run with a link', async () => {
    const workspaceId = await newWorkspace('named');
    const actor = { workspaceId, userId: null, email: 'cy@x.test' };
    const hook = await db.prisma.webhookEndpoint.create({
      data: { workspaceId, url: 'https://hooks.x.test/loom', secretCipher: 'x', events: [] },
    });
    await db.prisma.experimentDefinition.create({
      data: {
        workspaceId,
        id: 'exp-1',
        promptId: 'greet',
        name: 'Warmer tone',
        status: 'running',
        definition: {},
        createdAt: new Date(),
        updatedAt: new Date(),
      },
    });
    await writeAudit(db.prisma, actor, 'webhook.secret_rotate', `webhook:${hook.id}`);
    await writeAudit(db.prisma, actor, 'experiment.pause', 'experiment:exp-1', { promptId: 'greet' });
    await writeAudit(db.prisma, actor, 'suite_run.cancel', 'suite:faq', {
      suiteId: 'faq',
      suiteName: 'FAQ checks',
      runId: 'run-1',
      promptId: 'greet',
      promptVersion: 3,
    });
    await writeAudit(db.prisma, actor, 'budget.save', 'prompt:greet', { monthlyMicros: 12_500_000 });

    const overview = await loadHomeOverview(db.prisma, workspaceId);
    // The wording is under test, not the order of four events written within milliseconds.
    const activity = overview.activity.map(({ text, href }) => ({ text, href }));
    expect(activity).toHaveLength(4);
    expect(activity).toEqual(
      expect.arrayContaining([
        { text: 'set the monthly budget of greet to $12.50', href: undefined },
        { text: 'cancelled a run of suite “FAQ checks” on greet v3', href: '/suites/faq/runs/run-1' },
        { text: 'paused experiment “Warmer tone”', href: undefined },
        { text: 'rotated the signing secret of the webhook to https://hooks.x.test/loom', href: undefined },
      ]),
    );
  });
});

describe('describeEvent', () => {
  const context = { kind: 'thing', subject: 'S', promptName: (id: string) => `Prompt ${id}` };
  const fallback = (action: string) => `${action.replace(/[._]/g, ' ')} S`;

  it.each(AUDIT_ACTIONS)('has its own words for %s', (action) => {
    expect(describeEvent(action, {}, context)).not.toBe(fallback(action));
  });

  it('keeps the generic words for an action of an old row it does not know', () => {
    expect(describeEvent('quota.raise', {}, context)).toBe('quota raise S');
  });

  it('reads the details each action records', () => {
    const say = (action: string, details: Record<string, unknown>, kind = 'thing', subject = 'S') =>
      describeEvent(action, details, { ...context, kind, subject });
    expect(say('budget.save', { monthlyMicros: 50_000_000 }, 'workspace', 'w1')).toBe(
      'set the monthly budget of the workspace to $50.00',
    );
    expect(say('budget.save', { promptId: 'greet', monthlyMicros: null }, 'prompt', 'Greet')).toBe(
      'removed the monthly budget of Greet',
    );
    expect(say('api_key.create', { name: 'ci', prefix: 'lk_ab', scopes: ['prompts:read'] })).toBe(
      'created API key “ci”',
    );
    expect(say('api_key.revoke', { name: 'ci', prefix: 'lk_ab' })).toBe('revoked API key “ci”');
    expect(
      say(
        'price.save',
        { inputPerMillionMicros: 2_500_000, outputPerMillionMicros: 75_000, effectiveFrom: '2026-01-01' },
        'model',
        'openai/gpt-4o',
      ),
    ).toBe('saved the price of openai/gpt-4o: $2.50 in, $0.0750 out per million tokens');
    expect(say('experiment.start', { promptId: 'greet' }, 'experiment', '“Warmer”')).toBe(
      'started experiment “Warmer” on Prompt greet',
    );
    expect(
      say(
        'gate.update',
        { suiteName: 'FAQ', minPassRate: 0.9, requireNoRegression: true },
        'prompt',
        'Greet',
      ),
    ).toBe('set the release gate of Greet: suite “FAQ”, at least 90% passing and no regression');
    expect(
      say(
        'suite_run.start',
        { promptId: 'greet', runs: [{ promptVersion: 1 }, { promptVersion: 2 }] },
        'suite',
        '“FAQ”',
      ),
    ).toBe('started 2 runs of suite “FAQ” on Prompt greet v1, v2');
    expect(say('suite_run.cancel', { promptId: 'greet', promptVersion: 2 }, 'suite', '“FAQ”')).toBe(
      'cancelled a run of suite “FAQ” on Prompt greet v2',
    );
    const review = { promptId: 'greet', promptVersion: 2, caseId: 'c8', automated: 'fail' };
    expect(say('suite_run.review', { ...review, to: 'pass', reason: 'Policy n/a' }, 'suite', '“FAQ”')).toBe(
      'reviewed case “c8” of suite “FAQ” (Prompt greet v2) as pass over the automated fail: “Policy n/a”',
    );
    expect(say('suite_run.review', { ...review, from: 'pass', to: null }, 'suite', '“FAQ”')).toBe(
      'cleared the review of case “c8” of suite “FAQ” (Prompt greet v2)',
    );
  });
});

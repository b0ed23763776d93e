// The first-start seed on a real PostgreSQL database: a new demo workspace gets the simulator and
// demo prompts that render with their own defaults and example, and its demo suite.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { attach } from '@/lib/loom/core';
import { createTemplateEngine } from '@/lib/loom/template';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { hashSecret } from '../api/keys';
import { ensureDemoApiKey } from './demo';
import { ensureSeed } from './seed';

let db: TestDatabase;
const env = {
  LOOM_ADMIN_EMAIL: 'admin@loom.local',
  LOOM_ADMIN_PASSWORD: 'first-start-password',
  LOOM_SIMULATOR_URL: 'http://127.0.0.1:45678',
};

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
});
afterAll(() => db.close());

describe('ensureSeed', () => {
  it('gives a new demo workspace the simulator and demo prompts with production labels', async () => {
    await ensureSeed(db.prisma, env);
    const workspace = await db.prisma.workspace.findFirstOrThrow();
    expect(await db.prisma.providerConfig.findMany({ where: { workspaceId: workspace.id } })).toEqual([
      expect.objectContaining({
        name: 'simulator',
        kind: 'openai',
        baseUrl: 'http://127.0.0.1:45678/v1',
        isSimulator: true,
        apiKeyCipher: null,
      }),
    ]);
    const registry = createPrismaRegistry(db.prisma, workspace.id);
    const summaries = await registry.list();
    expect(summaries.map((s) => [s.id, s.latestVersion, s.labels.production]).sort()).toEqual([
      ['classify-intent', 2, 1],
      ['intent-judge', 1, 1],
      ['summarize-ticket', 1, 1],
      ['support-reply', 2, 2],
    ]);
    expect((await registry.listVersions('support-reply'))[0]).toMatchObject({ author: 'admin@loom.local' });
  });

  it('seeds prompts that render from sample input', async () => {
    const workspace = await db.prisma.workspace.findFirstOrThrow();
    const registry = createPrismaRegistry(db.prisma, workspace.id);
    const engine = createTemplateEngine();
    const support = attach(await registry.getByLabel('support-reply', 'production'), engine);
    const rendered = await support.render({
      customer_name: 'Lee',
      message: 'Where is my invoice?',
      max_words: '80',
    });
    expect(rendered.messages.map((m) => m.role)).toEqual(['system', 'user', 'assistant', 'user']);
    expect(rendered.messages.at(-1)?.content).toContain('friendly tone, in at most 80 words');
    for (const version of [1, 2]) {
      const classify = attach(await registry.get('classify-intent', version), engine);
      expect((await classify.render({ text: 'refund please' })).system).toContain(
        'billing, bug, feature-request, other',
      );
    }
    const judge = attach(await registry.getByLabel('intent-judge', 'production'), engine);
    const judged = await judge.render({ input: '{"text":"refund please"}', actual: 'billing' });
    expect(judged.user).toContain('Expected answer:\n(none given)\n\nResponse to judge:\nbilling');
    const summarize = attach(await registry.getLatest('summarize-ticket'), engine);
    expect((await summarize.render({ ticket: 'Login fails' })).user).toContain('in 2 sentences');
  });

  it('adds nothing to a workspace that already existed', async () => {
    await ensureSeed(db.prisma, { ...env, LOOM_ADMIN_EMAIL: 'second@loom.local' });
    expect(await db.prisma.workspace.count()).toBe(1);
    expect(await db.prisma.promptVersion.count()).toBe(6);
    expect(await db.prisma.suite.count()).toBe(1);
    expect(await db.prisma.providerConfig.count()).toBe(1);
  });
});

describe('ensureDemoApiKey', () => {
  const keyEnv = {
    LOOM_DEMO_API_KEY: `loom_sk_${'k'.repeat(43)}`,
    LOOM_DEMO_API_KEY_ID: `loom_pk_${'p'.repeat(22)}`,
  };

  it('stores the demo key (all scopes, only its hash) once, and reports a revocation', async () => {
    await ensureSeed(db.prisma, env);
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    expect(await ensureDemoApiKey(db.prisma, keyEnv, 'demo')).toBe('active');
    expect(await ensureDemoApiKey(db.prisma, keyEnv, 'demo')).toBe('active');
    const rows = await db.prisma.apiKey.findMany();
    expect(rows).toEqual([
      expect.objectContaining({
        id: keyEnv.LOOM_DEMO_API_KEY_ID,
        secretHash: hashSecret(keyEnv.LOOM_DEMO_API_KEY),
        scopes: ['prompts:read', 'prompts:execute', 'experiments:write', 'prompts:write'],
      }),
    ]);
    expect(JSON.stringify(rows)).not.toContain(keyEnv.LOOM_DEMO_API_KEY);
    await db.prisma.apiKey.update({
      where: { id: keyEnv.LOOM_DEMO_API_KEY_ID },
      data: { revokedAt: new Date() },
    });
    expect(await ensureDemoApiKey(db.prisma, keyEnv, 'demo')).toBe('revoked');
    expect(await db.prisma.apiKey.count()).toBe(1);
    expect(log).toHaveBeenCalledWith('[loom] demo API key: revoked');
    log.mockRestore();
  });
});

// Label moves, their audit trail and the diff text, against a real PostgreSQL database.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PromptData } from '@/lib/loom/core';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { canonicalVersionText, inRegistryTransaction, loadHistory, moveLabel } from './prompt-history';

let db: TestDatabase;
let workspaceId: string;
const actor = (role: 'admin' | 'editor' | 'viewer') => ({
  workspaceId,
  userId: 'u1',
  email: 'ana@x.test',
  role,
});

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  const registry = createPrismaRegistry(db.prisma, workspaceId);
  await registry.save(
    { id: 'greet', version: 0, name: 'Greet', user: 'Hi' },
    { author: 'ana@x.test', message: 'v1' },
  );
  await registry.save(
    { id: 'greet', version: 0, name: 'Greet', user: 'Hello' },
    { author: 'bo@x.test', message: 'v2' },
  );
});
afterAll(() => db.close());

describe('inRegistryTransaction', () => {
  it('rolls back the registry writes when anything later in the transaction fails', async () => {
    await expect(
      inRegistryTransaction(db.prisma, workspaceId, async (registry) => {
        await registry.save({ id: 'half', version: 0, name: 'Half' });
        await registry.setLabel('greet', 'staging', 1);
        throw new Error('audit write failed');
      }),
    ).rejects.toThrow('audit write failed');
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    expect(await registry.find('half', 1)).toBeUndefined();
    expect(await registry.findByLabel('greet', 'staging')).toBeUndefined();
  });
});

describe('moveLabel', () => {
  it('records every move with who, from and to, newest first in the history', async () => {
    await moveLabel(db.prisma, actor('editor'), { promptId: 'greet', label: 'production', version: 2 });
    await moveLabel(db.prisma, actor('admin'), { promptId: 'greet', label: 'production', version: 1 });
    const history = await loadHistory(
      db.prisma,
      createPrismaRegistry(db.prisma, workspaceId),
      workspaceId,
      'greet',
    );
    expect(history.versions.map((v) => [v.version, v.author, v.message, v.labels])).toEqual([
      [2, 'bo@x.test', 'v2', []],
      [1, 'ana@x.test', 'v1', ['production']],
    ]);
    expect(history.audit.slice(0, 2).map((a) => [a.action, a.actorEmail, a.details])).toEqual([
      ['label.set', 'ana@x.test', { label: 'production', from: 2, to: 1 }],
      ['label.set', 'ana@x.test', { label: 'production', from: null, to: 2 }],
    ]);
  });

  it('refuses a viewer before touching anything, and a missing version without an audit entry', async () => {
    const before = await db.prisma.auditEvent.count();
    await expect(
      moveLabel(db.prisma, actor('viewer'), { promptId: 'greet', label: 'production', version: 2 }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(
      moveLabel(db.prisma, actor('editor'), { promptId: 'greet', label: 'staging', version: 9 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await db.prisma.auditEvent.count()).toBe(before);
  });
});

describe('canonicalVersionText', () => {
  const base: PromptData = {
    id: 'p',
    version: 1,
    name: 'P',
    description: '',
    tags: [],
    system: 'line one\nline two',
    user: '{{ q }}',
    variables: [{ name: 'q', type: 'string', required: true }],
    examples: [{ input: { q: 'x', a: 1 }, output: 'y' }],
    model: { provider: 'openai', model: 'gpt-4o-mini', temperature: 0.2 },
    metadata: { z: 1, a: 2 },
    author: 'ana',
    message: 'why',
    createdAt: new Date('2026-01-01T00:00:00Z'),
  };

  it('shows every part of a version, but not who saved it or when', () => {
    const text = canonicalVersionText(base);
    for (const part of [
      'system: |-\n  line one\n  line two',
      'temperature: 0.2',
      'name: q',
      'output: y',
      'z: 1',
    ]) {
      expect(text).toContain(part);
    }
    expect(text).not.toMatch(/author|message|createdAt|version/);
  });

  it('is the same text for the same content whatever the key order', () => {
    const reordered: PromptData = {
      ...base,
      metadata: { a: 2, z: 1 },
      model: { temperature: 0.2, model: 'gpt-4o-mini', provider: 'openai' },
      examples: [{ input: { a: 1, q: 'x' }, output: 'y' }],
    };
    expect(canonicalVersionText(reordered)).toBe(canonicalVersionText(base));
  });
});

// The webhook actions against a real PostgreSQL database; only the session is faked.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { testViewer } from '@/test/viewer';

const session = vi.hoisted(() => {
  process.env.LOOM_ENCRYPTION_KEY = `v1:${Buffer.alloc(32, 5).toString('base64')}`;
  return { viewer: null as Viewer | null, prisma: undefined as unknown };
});
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const actions = await import('./actions');

let db: TestDatabase;
let workspaceId: string;

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
});
afterAll(() => db.close());

function as(role: Viewer['role']) {
  session.viewer = testViewer(workspaceId, role);
}
beforeEach(() => as('admin'));

const DRAFT = {
  url: 'https://hooks.example.test/loom',
  description: 'CI',
  events: ['label.moved' as const],
  enabled: true,
};

describe('webhook actions', () => {
  it('creates an endpoint with a whsec_ secret that only admins can reveal, and audits it without the secret', async () => {
    const created = await actions.createWebhookEndpointAction(DRAFT);
    if (!created.ok) throw new Error(created.error.message);
    expect(created.data.secret).toMatch(/^whsec_/);
    const revealed = await actions.revealWebhookSecretAction({ id: created.data.id });
    expect(revealed).toEqual({ ok: true, data: { secret: created.data.secret } });

    as('editor');
    for (const result of [
      await actions.revealWebhookSecretAction({ id: created.data.id }),
      await actions.createWebhookEndpointAction(DRAFT),
      await actions.sendWebhookTestAction({ id: created.data.id }),
      await actions.rotateWebhookSecretAction({ id: created.data.id }),
    ])
      expect(result).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });

    const audits = await db.prisma.auditEvent.findMany({
      where: { workspaceId },
      orderBy: { createdAt: 'asc' },
    });
    expect(audits.map((a) => a.action)).toEqual(['webhook.create', 'webhook.secret_reveal']);
    expect(JSON.stringify(audits)).not.toContain(created.data.secret);
  });

  it('rotates the secret for an admin: the new one is revealed from then on, the old one kept for 24 hours', async () => {
    const created = await actions.createWebhookEndpointAction(DRAFT);
    if (!created.ok) throw new Error(created.error.message);
    const rotated = await actions.rotateWebhookSecretAction({ id: created.data.id });
    if (!rotated.ok) throw new Error(rotated.error.message);
    expect(rotated.data.secret).toMatch(/^whsec_/);
    expect(rotated.data.secret).not.toBe(created.data.secret);
    expect(rotated.data.previousValidUntil!.getTime()).toBeGreaterThan(Date.now() + 23 * 60 * 60 * 1000);
    expect(await actions.revealWebhookSecretAction({ id: created.data.id })).toEqual({
      ok: true,
      data: { secret: rotated.data.secret },
    });
    const audit = await db.prisma.auditEvent.findFirstOrThrow({
      where: { workspaceId, action: 'webhook.secret_rotate', subject: `webhook:${created.data.id}` },
    });
    expect(JSON.stringify(audit)).not.toContain(rotated.data.secret);
    expect(JSON.stringify(audit)).not.toContain(created.data.secret);
  });

  it('refuses bad input at its field: no events, not http, an internal address', async () => {
    expect(await actions.createWebhookEndpointAction({ ...DRAFT, events: [] })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', fieldErrors: { events: ['Choose at least one event.'] } },
    });
    expect(await actions.createWebhookEndpointAction({ ...DRAFT, url: 'ftp://x.test/' })).toMatchObject({
      ok: false,
      error: { fieldErrors: { url: ['Enter an http:// or https:// URL.'] } },
    });
    const internal = await actions.createWebhookEndpointAction({ ...DRAFT, url: 'http://169.254.169.254/' });
    expect(internal).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    expect(!internal.ok && internal.error.fieldErrors?.url?.[0]).toContain(
      '169.254.169.254 is a link-local address',
    );
  });

  it('refuses a test ping or redelivery to a disabled endpoint, and an unknown one by name', async () => {
    const created = await actions.createWebhookEndpointAction({ ...DRAFT, enabled: false });
    if (!created.ok) throw new Error(created.error.message);
    expect(await actions.sendWebhookTestAction({ id: created.data.id })).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: 'This endpoint is disabled: enable it to send it anything.' },
    });
    expect(await actions.deleteWebhookEndpointAction({ id: 'nope' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND', message: 'No webhook endpoint "nope" in this workspace.' },
    });
  });
});

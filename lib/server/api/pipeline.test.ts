// The public API's request pipeline and key verification against a real database (PostgreSQL and
// PGlite): every refusal a client can meet, as RFC 9457 problem JSON.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';

const state = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => state.prisma }));

const keys = await import('./keys');
const { defineApiRoute, setApiRateLimiter, authenticate } = await import('./pipeline');
const { createSlidingWindowRateLimiter } = await import('@/lib/loom/middleware');
const { listAudit } = await import('../audit');

const route = defineApiRoute({
  name: 'POST /test/{id}',
  scope: 'prompts:read',
  params: z.object({ id: z.string().regex(/^[a-z]+$/) }),
  query: z.object({ n: z.coerce.number().int().optional() }),
  body: z.object({ text: z.string().min(1) }),
  maxBodyBytes: 1024,
  handler: async ({ principal, params, query, body }) =>
    Response.json({ key: principal.keyId, id: params.id, n: query.n ?? null, text: body.text }),
});

const call = (init: {
  secret?: string;
  authorization?: string;
  body?: BodyInit | null;
  path?: string;
  headers?: Record<string, string>;
}) =>
  route(
    new Request(`http://loom.test/test/${init.path ?? 'abc'}`, {
      method: 'POST',
      headers: {
        ...(init.authorization ? { authorization: init.authorization } : {}),
        ...(init.secret ? { authorization: `Bearer ${init.secret}` } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? JSON.stringify({ text: 'hi' }) : init.body,
      // @ts-expect-error Node's fetch needs this for a streamed body
      duplex: 'half',
    }),
    { params: Promise.resolve({ id: init.path ?? 'abc' }) },
  );

async function problemOf(response: Response) {
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  const body = (await response.json()) as {
    status: number;
    title: string;
    detail: string;
    errors?: { path: string; message: string }[];
  };
  expect(body.status).toBe(response.status);
  expect(JSON.stringify(body)).not.toMatch(/at .*\.ts:\d+/); // never a stack trace
  return body;
}

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('API keys and pipeline on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  const admin = { userId: 'u1', email: 'admin@x.test', workspaceId: '' };

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    state.prisma = db.prisma;
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    admin.workspaceId = workspaceId;
  });
  afterAll(async () => {
    await db.close();
  });
  beforeEach(() => {
    keys.setApiKeyCache(keys.createMemoryApiKeyCache());
    setApiRateLimiter(createSlidingWindowRateLimiter({ limit: 1000, windowMs: 60_000 }));
  });

  it('stores only the hash and a visible prefix; the secret is shown once', async () => {
    const { key, secret } = await keys.createApiKey(db.prisma, admin, {
      name: 'App',
      scopes: ['prompts:read'],
    });
    expect(secret).toMatch(/^loom_sk_[A-Za-z0-9_-]{43}$/);
    expect(key.id).toMatch(/^loom_pk_/);
    expect(secret.startsWith(key.prefix)).toBe(true);
    const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.secretHash).toBe(keys.hashSecret(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    expect(JSON.stringify(await keys.listApiKeys(db.prisma, workspaceId))).not.toContain(row.secretHash);
    const audit = await listAudit(db.prisma, workspaceId, { subject: `api_key:${key.id}` });
    expect(audit.map((a) => a.action)).toEqual(['api_key.create']);
    expect(JSON.stringify(audit)).not.toContain(secret);
  });

  it('answers a valid key, then 401 at once after a revocation in this process', async () => {
    const { key, secret } = await keys.createApiKey(db.prisma, admin, {
      name: 'R',
      scopes: ['prompts:read'],
    });
    const ok = await call({ secret });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ key: key.id, id: 'abc', n: null, text: 'hi' });
    await keys.revokeApiKey(db.prisma, admin, key.id);
    const refused = await call({ secret });
    expect(refused.status).toBe(401);
    expect((await problemOf(refused)).detail).toMatch(/unknown or has been revoked/);
    const audit = await listAudit(db.prisma, workspaceId, { subject: `api_key:${key.id}` });
    expect(audit.map((a) => a.action)).toEqual(['api_key.revoke', 'api_key.create']);
  });

  it('a revocation made by another process is seen within the cache TTL', async () => {
    const { key, secret } = await keys.createApiKey(db.prisma, admin, {
      name: 'Other',
      scopes: ['prompts:read'],
    });
    expect((await call({ secret })).status).toBe(200);
    // Another instance revokes: the row changes, this process's cache does not hear of it.
    await db.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    const started = Date.now();
    let status = 200;
    while (status === 200) {
      status = (await call({ secret })).status;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(status).toBe(401);
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('records last use, throttled', async () => {
    const { key, secret } = await keys.createApiKey(db.prisma, admin, {
      name: 'Used',
      scopes: ['prompts:read'],
    });
    await call({ secret });
    await vi.waitFor(async () => {
      const row = await db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
      expect(row.lastUsedAt).not.toBeNull();
    });
  });

  it('401 for a missing, malformed or unknown key; Basic needs the matching public id', async () => {
    for (const authorization of [
      undefined,
      'Token abc',
      'Bearer',
      'Bearer loom_sk_short',
      `Bearer loom_sk_${'a'.repeat(43)}`,
    ]) {
      const response = await call({ authorization });
      expect(response.status, authorization).toBe(401);
      expect(response.headers.get('www-authenticate')).toContain('Bearer');
      const problem = await problemOf(response);
      expect(problem.errors?.[0]?.path).toBe('header.authorization');
    }
    const { key, secret } = await keys.createApiKey(db.prisma, admin, {
      name: 'B',
      scopes: ['prompts:read'],
    });
    const basic = (id: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;
    const auth = await authenticate(new Request('http://x', { headers: { authorization: basic(key.id) } }));
    expect(auth.ok && auth.principal.keyId).toBe(key.id);
    const other = await keys.createApiKey(db.prisma, admin, { name: 'C', scopes: ['prompts:read'] });
    expect((await call({ authorization: basic(other.key.id) })).status).toBe(401);
  });

  it('403 naming the missing scope', async () => {
    const { secret } = await keys.createApiKey(db.prisma, admin, {
      name: 'Exec',
      scopes: ['prompts:execute'],
    });
    const response = await call({ secret });
    expect(response.status).toBe(403);
    expect((await problemOf(response)).detail).toContain('"prompts:read"');
  });

  it('400 for malformed JSON, 413 for a body over the cap (declared or streamed), 400 listing zod errors, 404 for a bad path', async () => {
    const { secret } = await keys.createApiKey(db.prisma, admin, { name: 'In', scopes: ['prompts:read'] });
    const malformed = await call({ secret, body: '{"text":' });
    expect(malformed.status).toBe(400);
    expect((await problemOf(malformed)).detail).toMatch(/not valid JSON/);

    // A declared length over the cap is refused before reading: this body is never touched.
    let touched = false;
    const untouched = new ReadableStream<Uint8Array>(
      {
        pull() {
          touched = true;
        },
      },
      { highWaterMark: 0 },
    );
    const declared = await call({ secret, body: untouched, headers: { 'content-length': '5000' } });
    expect(declared.status).toBe(413);
    expect(touched).toBe(false);
    await problemOf(declared);

    // A stream without Content-Length that never ends: refused once it passes the cap, unread beyond.
    let pulled = 0;
    const endless = new ReadableStream<Uint8Array>({
      pull(controller) {
        pulled += 1;
        controller.enqueue(new TextEncoder().encode('x'.repeat(512)));
      },
    });
    const streamed = await call({ secret, body: endless });
    expect(streamed.status).toBe(413);
    expect(pulled).toBeLessThan(10);

    const invalid = await call({ secret, body: JSON.stringify({ text: '' }), headers: {} });
    expect(invalid.status).toBe(400);
    expect((await problemOf(invalid)).errors?.[0]?.path).toBe('body.text');

    const badQuery = await route(
      new Request('http://loom.test/test/abc?n=x', {
        method: 'POST',
        headers: { authorization: `Bearer ${secret}` },
        body: JSON.stringify({ text: 'hi' }),
      }),
      { params: Promise.resolve({ id: 'abc' }) },
    );
    expect(badQuery.status).toBe(400);
    expect((await problemOf(badQuery)).errors?.[0]?.path).toBe('query.n');

    const badPath = await call({ secret, path: 'ABC' });
    expect(badPath.status).toBe(404);
  });

  it('429 with Retry-After over the per-key limit; other keys are unaffected', async () => {
    setApiRateLimiter(createSlidingWindowRateLimiter({ limit: 3, windowMs: 60_000 }));
    const a = await keys.createApiKey(db.prisma, admin, { name: 'A', scopes: ['prompts:read'] });
    const b = await keys.createApiKey(db.prisma, admin, { name: 'B2', scopes: ['prompts:read'] });
    for (let i = 0; i < 3; i += 1) expect((await call({ secret: a.secret })).status).toBe(200);
    const limited = await call({ secret: a.secret });
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    await problemOf(limited);
    expect((await call({ secret: b.secret })).status).toBe(200);
  });

  it('an unexpected error is a bare 500 problem, without a stack trace', async () => {
    const { secret } = await keys.createApiKey(db.prisma, admin, { name: 'Boom', scopes: ['prompts:read'] });
    const boom = defineApiRoute({
      name: 'GET /boom',
      scope: 'prompts:read',
      handler: async () => {
        throw new Error('secret internals at /srv/x.ts:10');
      },
    });
    const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
    const response = await boom(new Request('http://x', { headers: { authorization: `Bearer ${secret}` } }), {
      params: Promise.resolve({}),
    });
    spy.mockRestore();
    expect(response.status).toBe(500);
    const body = await problemOf(response);
    expect(JSON.stringify(body)).not.toContain('secret internals');
  });
});

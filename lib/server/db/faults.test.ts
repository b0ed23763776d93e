// Pulls the cable between the app's connection pool and PostgreSQL (a loopback TCP proxy the test
// controls) while requests are in flight: actions and route handlers answer UNAVAILABLE / 503 with
// one plain sentence, the process survives, and service comes back by itself with the database.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { startTcpProxy, type TcpProxy } from '@/test/tcp-proxy';
import { openPostgres, type OpenDatabase } from './open';

const state = vi.hoisted(() => ({ viewer: null as Viewer | null, prisma: undefined as unknown }));
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => state.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => state.prisma }));

const { archivePromptAction, unarchivePromptAction } = await import('@/app/(studio)/prompts/actions');
const listRoute = await import('@/app/api/prompts/route');
const versionRoute = await import('@/app/api/prompts/version-text/route');

const UNAVAILABLE = { code: 'UNAVAILABLE', message: 'The database is unavailable; try again shortly.' };

let db: TestDatabase;
let proxy: TcpProxy;
let app: OpenDatabase;
const crashes: unknown[] = [];
const onCrash = (error: unknown) => crashes.push(error);

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  const direct = new URL(db.url!);
  proxy = await startTcpProxy({ host: direct.hostname, port: Number(direct.port || 5432) });
  const viaProxy = new URL(db.url!);
  viaProxy.port = String(proxy.port);
  app = await openPostgres(viaProxy.toString());
  state.prisma = app.prisma;

  const workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  const userId = (
    await db.prisma.user.create({ data: { email: 'ed@x.test', name: 'Ed', passwordHash: 'x' } })
  ).id;
  await createPrismaRegistry(db.prisma, workspaceId).save(
    { id: 'greeting', version: 0, name: 'Greeting', user: 'Hello {{ name }}' },
    { author: 'ed@x.test' },
  );
  state.viewer = { userId, email: 'ed@x.test', name: 'Ed', workspaceId, workspaceName: 'W', role: 'editor' };
  process.on('unhandledRejection', onCrash);
  process.on('uncaughtException', onCrash);
});

afterAll(async () => {
  process.off('unhandledRejection', onCrash);
  process.off('uncaughtException', onCrash);
  await app?.close();
  await proxy?.close();
  await db?.close();
});

let logs: string[] = [];
beforeEach(() => {
  logs = [];
  const capture = (...args: unknown[]) => void logs.push(args.map(String).join(' '));
  vi.spyOn(console, 'log').mockImplementation(capture);
  vi.spyOn(console, 'error').mockImplementation(capture);
});
afterEach(() => {
  proxy.restore();
  vi.restoreAllMocks();
  expect(crashes).toEqual([]);
});

const list = () => listRoute.GET(new Request('http://127.0.0.1/api/prompts'));
const versionText = () =>
  versionRoute.GET(new Request('http://127.0.0.1/api/prompts/version-text?id=greeting&version=1'));

describe('the database goes away mid-request', () => {
  it('route handlers answer 503 with a clear message, then recover on their own', async () => {
    expect((await list()).status).toBe(200); // leaves an idle connection in the pool

    proxy.cutOnNextRequest();
    const cut = await list();
    expect(cut.status).toBe(503);
    expect(cut.headers.get('retry-after')).toBe('5');
    expect(await cut.json()).toEqual(UNAVAILABLE);

    const whileDown = await versionText();
    expect(whileDown.status).toBe(503);
    const body = await whileDown.text();
    expect(JSON.parse(body)).toEqual(UNAVAILABLE);
    expect(body).not.toMatch(/terminated|5432|at \w+ \(/); // no driver message, address or stack

    proxy.restore();
    expect((await list()).status).toBe(200);
    expect(await (await versionText()).json()).toMatchObject({ version: 1 });
    expect(logs.some((line) => line.includes('database unavailable'))).toBe(true);
  });

  it('server actions answer UNAVAILABLE, and the same action succeeds once the database is back', async () => {
    expect(await archivePromptAction({ promptId: 'greeting' })).toEqual({ ok: true, data: undefined });

    proxy.cutOnNextRequest(); // inside the action's transaction
    expect(await unarchivePromptAction({ promptId: 'greeting' })).toEqual({ ok: false, error: UNAVAILABLE });
    expect(await unarchivePromptAction({ promptId: 'greeting' })).toEqual({ ok: false, error: UNAVAILABLE });

    proxy.restore();
    expect(await unarchivePromptAction({ promptId: 'greeting' })).toEqual({ ok: true, data: undefined });
    const row = await db.prisma.prompt.findFirstOrThrow({ where: { slug: 'greeting' } });
    expect(row.archivedAt).toBeNull();
  });

  it('survives the server dropping idle pooled connections, and logs it', async () => {
    await Promise.all([list(), list(), list(), versionText()]); // several idle connections
    proxy.cut();
    await vi.waitFor(() => expect(logs.some((line) => line.includes('database connection lost'))).toBe(true));
    proxy.restore();
    expect((await list()).status).toBe(200);
  });
});

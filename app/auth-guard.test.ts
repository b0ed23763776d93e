// Every server action and route handler must refuse a caller without a session by itself: a page's
// check or the proxy redirect does not protect them. This test finds them all on disk, so a new
// action or route is covered the day it is added.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type * as NextAuth from 'next-auth';
import { beforeAll, describe, expect, it, vi } from 'vitest';

vi.mock('@/lib/server/auth/session', () => ({ getViewer: vi.fn(async () => null) }));
vi.mock('next-auth', async (original) => ({
  ...(await original<typeof NextAuth>()),
  getServerSession: vi.fn(async () => null),
}));

/** Route handlers that are public by design. */
const PUBLIC_ROUTES = new Set([
  'api/auth/[...nextauth]/route.ts',
  'api/health/route.ts',
  // The runtime API's reachability check and its description: neither reveals workspace data.
  'api/v1/ping/route.ts',
  'api/v1/openapi.json/route.ts',
]);
const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

const APP_DIR = path.resolve(import.meta.dirname);

function find(name: string): string[] {
  return (readdirSync(APP_DIR, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((file) => path.basename(file) === name)
    .map((file) => file.split(path.sep).join('/'))
    .sort();
}

const actionFiles = find('actions.ts');
const routeFiles = find('route.ts').filter((file) => !PUBLIC_ROUTES.has(file));

describe('unauthenticated calls', () => {
  it('finds the actions and routes it guards', () => {
    expect(actionFiles.length).toBeGreaterThan(0);
    expect(find('route.ts')).toEqual(expect.arrayContaining([...PUBLIC_ROUTES]));
  });

  describe.each(actionFiles)('server actions in app/%s', (file) => {
    let actions: [string, unknown][] = [];
    beforeAll(async () => {
      actions = Object.entries(await import(path.join(APP_DIR, file)));
    });

    it('each rejects a call without a session', async () => {
      expect(actions.length).toBeGreaterThan(0);
      for (const [name, action] of actions) {
        expect(typeof action, name).toBe('function');
        const result = await (action as (input: unknown) => Promise<unknown>)({});
        expect(result, name).toMatchObject({ ok: false, error: { code: 'UNAUTHENTICATED' } });
      }
    });
  });

  if (routeFiles.length > 0) {
    describe.each(routeFiles)('route handlers in app/%s', (file) => {
      it('each answers 401 without a session', async () => {
        const mod = (await import(path.join(APP_DIR, file))) as Record<string, unknown>;
        const handlers = HTTP_METHODS.filter((m) => typeof mod[m] === 'function');
        expect(handlers.length).toBeGreaterThan(0);
        for (const method of handlers) {
          const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
          // A same-origin JSON request, so only the missing session can be why it is refused.
          const headers = { origin: 'http://127.0.0.1', 'content-type': 'application/json' };
          const response = await handler(new Request(`http://127.0.0.1/${file}`, { method, headers }), {
            params: Promise.resolve({}),
          });
          expect(response.status, `${method} ${file}`).toBe(401);
        }
      });
    });
  }
});

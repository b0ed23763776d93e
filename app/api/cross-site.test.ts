// Every state-changing route handler must refuse a cross-site request carrying the session cookie
// (what a form or a `text/plain` fetch on another site sends). This test finds them all on disk, so
// a new route is covered the day it is added.
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import type { Viewer } from '@/lib/server/auth/session';

const admin: Viewer = {
  userId: 'u',
  email: 'a@x.test',
  name: 'A',
  workspaceId: 'w',
  workspaceName: 'W',
  role: 'admin',
};
vi.mock('@/lib/server/auth/session', () => ({ getViewer: vi.fn(async () => admin) }));

/** next-auth checks its own CSRF token on its POSTs. */
const OWN_CSRF_CHECK = new Set(['auth/[...nextauth]/route.ts']);
const STATE_CHANGING = ['POST', 'PUT', 'PATCH', 'DELETE'] as const;
const API_DIR = path.resolve(import.meta.dirname);

const routeFiles = (readdirSync(API_DIR, { recursive: true, encoding: 'utf8' }) as string[])
  .filter((file) => path.basename(file) === 'route.ts')
  .map((file) => file.split(path.sep).join('/'))
  .filter((file) => !OWN_CSRF_CHECK.has(file))
  .sort();
/** The runtime API authenticates by API key only: a session cookie opens nothing there. */
const isKeyAuthenticated = (file: string) => file.startsWith('v1/') || file.startsWith('public/');

const FORGED: Record<string, Record<string, string>> = {
  'cross-site text/plain': {
    origin: 'https://evil.example',
    'sec-fetch-site': 'cross-site',
    'content-type': 'text/plain',
    cookie: 'next-auth.session-token=x',
  },
  'no Origin, with the session cookie': {
    'content-type': 'application/json',
    cookie: 'next-auth.session-token=x',
  },
};

/** What each state-changing handler of `file` answers to the forged request `label`. */
async function forgedAnswers(file: string, label: string) {
  const mod = (await import(path.join(API_DIR, file))) as Record<string, unknown>;
  const answers: { method: string; response: Response }[] = [];
  for (const method of STATE_CHANGING.filter((m) => typeof mod[m] === 'function')) {
    const handler = mod[method] as (req: Request, ctx: unknown) => Promise<Response>;
    const request = new Request(`http://127.0.0.1/api/${file}`, {
      method,
      headers: { host: '127.0.0.1', ...FORGED[label] },
      body: '{}',
    });
    answers.push({
      method,
      response: await handler(request, { params: Promise.resolve({ id: 'x', name: 'x' }) }),
    });
  }
  return answers;
}

it('finds the state-changing routes it guards', () => {
  expect(routeFiles).toEqual(
    expect.arrayContaining(['prompts/preview/route.ts', 'prompts/[id]/run/route.ts']),
  );
});

describe.each(routeFiles.filter((file) => !isKeyAuthenticated(file)))(
  'state-changing handlers in app/api/%s',
  (file) => {
    it.each(Object.keys(FORGED))('refuse a %s request with 403', async (label) => {
      for (const { method, response } of await forgedAnswers(file, label)) {
        expect(response.status, `${method} ${file}`).toBe(403);
        expect(await response.json()).toMatchObject({
          code: 'FORBIDDEN',
          message: expect.stringMatching(/^Refused: /),
        });
      }
    });
  },
);

describe.each(routeFiles.filter(isKeyAuthenticated))('API-key handlers in app/api/%s', (file) => {
  it.each(Object.keys(FORGED))('answer a %s request without a key with 401', async (label) => {
    for (const { method, response } of await forgedAnswers(file, label)) {
      expect(response.status, `${method} ${file}`).toBe(401);
    }
  });
});

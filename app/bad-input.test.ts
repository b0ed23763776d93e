// The bad-input sweep: every server action (each app/**/actions.ts) and route handler
// (app/api/**/route.ts) is called with malformed input as each role, against a real PostgreSQL
// database with only the session faked. Every answer must be a refusal a user can read: an action's
// { ok: false } with a code other than INTERNAL, a route's 4xx with a JSON message. Never a 500,
// a thrown error, a stack trace or a driver message. Inputs are derived from each action's schema.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import type { Viewer } from '@/lib/server/auth/session';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => {
  process.env.LOOM_ENCRYPTION_KEY = `v3:${Buffer.alloc(32, 7).toString('base64')}`;
  // The sweep sends hundreds of requests with one API key: not a test of the rate limit.
  process.env.LOOM_API_RATE_LIMIT = '1000000';
  return { viewer: null as Viewer | null, prisma: undefined as unknown };
});
vi.mock('@/lib/server/auth/session', () => ({ getViewer: async () => session.viewer }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { actionInputSchema } = await import('@/lib/server/action');
const { API_SCOPES, createApiKey } = await import('@/lib/server/api/keys');
/** The public API (app/api/v1) is called with a key of every scope for every role but "signed out". */
let apiSecret = '';
const actionModules = import.meta.glob<Record<string, unknown>>('./**/actions.ts');
const routeModules = import.meta.glob<Record<string, unknown>>('./api/**/route.ts');

/** Routes with no input of their own to malform. */
const ROUTES_WITHOUT_INPUT: Record<string, string> = {
  './api/auth/[...nextauth]/route.ts': "next-auth's own handler (sign-in is tested in lib/server/auth)",
  './api/health/route.ts': 'takes no input; 503 there means the database is down, by design',
  './api/v1/ping/route.ts': 'takes no input and answers the same to everyone',
  './api/v1/openapi.json/route.ts': 'takes no input; describes the API',
};

function nested(depth: number): unknown {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = i % 2 ? [value] : { a: value };
  return value;
}

const HOSTILE_STRINGS: Array<[string, string]> = [
  ['an empty string', ''],
  ['whitespace', ' \n\t '],
  ['a huge string', 'x'.repeat(300_000)],
  ['a lone surrogate', 'a\uD800b'],
  ['a NUL byte', 'a\u0000b'],
  ['an RTL override', '\u202Egnp.exe\u202C'],
  ['zero-width and BOM', '\uFEFFa\u200Bb\u200D'],
  ['stacked combining marks', `e${'\u0301'.repeat(5000)}`],
  ['an emoji family', '👩‍👩‍👧‍👦'],
  ['bad percent-encoding', '%E0%A4%A'],
  ['a path', '../../etc/passwd'],
];
const HOSTILE_VALUES: Array<[string, unknown]> = [
  ...HOSTILE_STRINGS,
  ['null', null],
  ['a number', 12345],
  ['NaN', Number.NaN],
  ['Infinity', Number.POSITIVE_INFINITY],
  ['a negative number', -1],
  ['a boolean', true],
  ['an array', ['x']],
  ['an object', { x: 'y' }],
  ['deep nesting', nested(5000)],
  ['prototype keys', JSON.parse('{"__proto__": {"polluted": true}, "constructor": {"prototype": {}}}')],
];

type JsonSchema = {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  items?: JsonSchema;
  minimum?: number;
};

/** A plausible value for a JSON Schema node: the base each malformed field is swapped into. */
function sample(schema: JsonSchema | undefined, depth = 0): unknown {
  if (!schema || depth > 6) return 'x';
  if (schema.const !== undefined) return schema.const;
  if (schema.enum?.length) return schema.enum[0];
  const choice = schema.anyOf?.[0] ?? schema.oneOf?.[0];
  if (choice) return sample(choice, depth + 1);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(schema.properties ?? {})
          .filter(([key]) => schema.required?.includes(key))
          .map(([key, value]) => [key, sample(value, depth + 1)]),
      );
    case 'array':
      return [];
    case 'integer':
    case 'number':
      return Math.max(1, schema.minimum ?? 1);
    case 'boolean':
      return true;
    case 'string':
      return schema.format === 'email' ? 'someone@x.test' : schema.format === 'uri' ? 'http://x.test' : 'x';
    default:
      return 'x';
  }
}

/** Malformed inputs for a schema: hostile top-level values, then each property swapped for each hostile value. */
function malformedInputs(schema: z.ZodType | undefined): Array<[string, unknown]> {
  let json: JsonSchema = {};
  try {
    json = z.toJSONSchema(schema ?? z.unknown(), { io: 'input', unrepresentable: 'any' }) as JsonSchema;
  } catch {
    // A schema JSON Schema cannot express still gets the top-level values below.
  }
  const base = sample(json);
  const inputs: Array<[string, unknown]> = [
    ['undefined', undefined],
    ...HOSTILE_VALUES.map(([name, value]): [string, unknown] => [`input is ${name}`, value]),
    ['a plausible input', base],
  ];
  if (base && typeof base === 'object' && !Array.isArray(base)) {
    for (const key of Object.keys(json.properties ?? {})) {
      for (const [name, value] of HOSTILE_VALUES)
        inputs.push([`${key} is ${name}`, { ...base, [key]: value }]);
    }
    inputs.push(['an unknown extra field', { ...base, unexpected: nested(100) }]);
  }
  return inputs;
}

const STACK = /\n\s+at\s|\bat .+:\d+:\d+|Prisma|invalid byte sequence|SQLSTATE|node_modules/i;

function problemWithMessage(message: unknown): string | undefined {
  if (typeof message !== 'string' || !message.trim()) return 'no message';
  if (STACK.test(message))
    return `a stack trace or driver detail in ${JSON.stringify(message.slice(0, 200))}`;
  return undefined;
}

let db: TestDatabase;
let workspaceId: string;
let userId: string;

function as(role: Viewer['role'] | 'signed out') {
  session.viewer =
    role === 'signed out'
      ? null
      : { userId, email: 'ed@x.test', name: 'Ed', workspaceId, workspaceName: 'W', role };
}

beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
  session.prisma = db.prisma;
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  userId = (
    await db.prisma.user.create({
      data: {
        email: 'ed@x.test',
        name: 'Ed',
        passwordHash: 'x',
        memberships: { create: { workspaceId, role: 'admin' } },
      },
    })
  ).id;
  await createPrismaRegistry(db.prisma, workspaceId).save(
    { id: 'x', version: 0, name: 'X', user: 'Hello {{ name }}' },
    { author: 'ed@x.test' },
  );
  apiSecret = (
    await createApiKey(
      db.prisma,
      { workspaceId, userId, email: 'ed@x.test' },
      { name: 'sweep', scopes: [...API_SCOPES] },
    )
  ).secret;
});
afterAll(() => db?.close());

const ROLES = ['signed out', 'viewer', 'editor', 'admin'] as const;

describe('bad-input sweep', () => {
  it('finds every action module and route handler', () => {
    expect(Object.keys(actionModules).length).toBeGreaterThanOrEqual(5);
    expect(Object.keys(routeModules).length).toBeGreaterThanOrEqual(7);
  });

  it('every server action refuses malformed input with a clear, non-internal error, as every role', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failures: string[] = [];
    let calls = 0;
    for (const [file, load] of Object.entries(actionModules)) {
      for (const [name, action] of Object.entries(await load())) {
        if (typeof action !== 'function') continue;
        const inputs = malformedInputs(actionInputSchema(action));
        for (const role of ROLES) {
          as(role);
          for (const [label, input] of inputs) {
            calls += 1;
            const where = `${file} ${name} as ${role}, ${label}`;
            try {
              const result = (await action(input)) as {
                ok: boolean;
                error?: { code: string; message: string };
              };
              if (result.ok) continue;
              if (result.error?.code === 'INTERNAL') failures.push(`${where}: INTERNAL`);
              const problem = problemWithMessage(result.error?.message);
              if (problem) failures.push(`${where}: ${problem}`);
            } catch (error) {
              failures.push(`${where}: threw ${String(error).slice(0, 200)}`);
            }
          }
        }
      }
    }
    expect(calls).toBeGreaterThan(1000);
    expect(failures).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    vi.restoreAllMocks();
  }, 300_000);

  it('every route handler answers malformed requests with a 4xx and a JSON message, as every role', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const failures: string[] = [];
    const PARAMS = ['id', 'version', 'format', 'search', 'tag', 'archived', 'name', 'label'];
    const bodies: Array<[string, string]> = [
      ['an empty body', ''],
      ['text that is not JSON', 'not json {'],
      ['JSON null', 'null'],
      ['a JSON number', '42'],
      ['a JSON array', '[]'],
      ['an empty object', '{}'],
      ['deeply nested JSON', `${'['.repeat(50_000)}${']'.repeat(50_000)}`],
      ['a huge body', JSON.stringify({ text: 'x'.repeat(2_500_000) })],
      ...HOSTILE_VALUES.filter(([name]) => name !== 'deep nesting').map(([name, value]): [string, string] => [
        `every field ${name}`,
        JSON.stringify({ source: value, input: value, draft: value, provider: value, model: value }) ?? '',
      ]),
      [
        'a draft with hostile fields',
        JSON.stringify({ draft: { id: 'x', name: 'a\u0000b', user: '\uD800' }, input: {} }),
      ],
    ];
    for (const [file, load] of Object.entries(routeModules)) {
      if (ROUTES_WITHOUT_INPUT[file]) continue;
      const handlers = await load();
      for (const method of ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const) {
        const handler = handlers[method] as
          ((request: Request, context: unknown) => Promise<Response>) | undefined;
        if (typeof handler !== 'function') continue;
        const requests: Array<[string, () => Request, Record<string, string>]> = [];
        for (const [name, value] of HOSTILE_STRINGS) {
          const query = new URLSearchParams(PARAMS.map((param) => [param, value]));
          const init = method === 'GET' ? {} : { method, body: '{}' };
          requests.push([
            `every query parameter and path segment ${name}`,
            () => new Request(`http://127.0.0.1/api?${query}`, init),
            { id: value, name: value },
          ]);
        }
        if (method !== 'GET') {
          for (const [name, body] of bodies) {
            requests.push([
              name,
              () => new Request('http://127.0.0.1/api', { method, body }),
              { id: 'x', name: 'openai' },
            ]);
          }
        }
        for (const role of ROLES) {
          as(role);
          for (const [label, request, params] of requests) {
            const where = `${method} ${file} as ${role}, ${label}`;
            try {
              const made = request();
              if (file.startsWith('./api/v1/') && role !== 'signed out') {
                made.headers.set('authorization', `Bearer ${apiSecret}`);
              }
              const response = await handler(made, { params: Promise.resolve(params) });
              const text = await response.text();
              if (response.status >= 500) failures.push(`${where}: ${response.status} ${text.slice(0, 200)}`);
              if (response.status < 400) continue;
              // The studio's routes answer { code, message }; the public API RFC 9457 { title, detail }.
              let body: { message?: unknown; detail?: unknown } = {};
              try {
                body = JSON.parse(text) as { message?: unknown; detail?: unknown };
              } catch {
                failures.push(`${where}: ${response.status} without a JSON body`);
                continue;
              }
              const problem = problemWithMessage(body.message ?? body.detail);
              if (problem) failures.push(`${where}: ${response.status} with ${problem}`);
            } catch (error) {
              failures.push(`${where}: threw ${String(error).slice(0, 200)}`);
            }
          }
        }
      }
    }
    expect(failures).toEqual([]);
    vi.restoreAllMocks();
  }, 300_000);
});

import 'server-only';
import type { z } from 'zod';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import { formatBytes } from '@/components/prompts/format';
import { getPrisma } from '../db';
import { getEnv } from '../env';
import { readCapped } from '../http/body';
import { looksLikePublicId, verifyApiKey, verifyApiKeyPair, type ApiPrincipal, type ApiScope } from './keys';
import { problemFromError, problemResponse, problemWithStatus, zodToProblemErrors } from './problem';
import { withSecurityHeaders } from './security';
import { createSlidingWindowRateLimiter, type RateLimiter } from '@/lib/loom/middleware';

// The one request pipeline of the public API (app/api/v1/**), the twin of the action builder:
// key → rate limit → scope → body (size cap, JSON) → zod (params, query, body) → handler, and
// every failure an RFC 9457 problem (lib/server/api/problem.ts). Routes are a few lines each.

/** Bodies larger than this are refused (413) before they are read: prompts' variables are small. */
export const MAX_API_BODY_BYTES = 256 * 1024;
export const RATE_WINDOW_MS = 60_000;

export interface ApiContext<P, Q, B> {
  request: Request;
  principal: ApiPrincipal;
  params: P;
  query: Q;
  body: B;
  prisma: PrismaClient;
}

type Schema = z.ZodType;
type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

export interface ApiRouteOptions<PS, QS, BS> {
  /** Method and path, for logs: `GET /api/v1/prompts/{id}`. */
  name: string;
  scope: ApiScope;
  params?: PS;
  query?: QS;
  body?: BS;
  maxBodyBytes?: number;
  handler: (ctx: ApiContext<Out<PS>, Out<QS>, Out<BS>>) => Promise<Response>;
}

/** What Next passes a route handler besides the request. */
export type RouteContext = { params: Promise<Record<string, string | string[]>> };

const globalForApi = globalThis as unknown as { __loomApiRateLimiter?: RateLimiter };

/** The process's per-key request limiter (LOOM_API_RATE_LIMIT a minute). */
export function getApiRateLimiter(): RateLimiter {
  return (globalForApi.__loomApiRateLimiter ??= createSlidingWindowRateLimiter({
    limit: getEnv().LOOM_API_RATE_LIMIT,
    windowMs: RATE_WINDOW_MS,
  }));
}

/** Replaces the limiter (a shared Redis one; a tight one in tests). */
export function setApiRateLimiter(limiter: RateLimiter): void {
  globalForApi.__loomApiRateLimiter = limiter;
}

export type Credentials =
  { kind: 'bearer'; secret: string } | { kind: 'basic'; publicId: string; secret: string };

/** The credentials a request carries: `Bearer <secret>` or HTTP Basic `<public id>:<secret>`. */
export function readCredentials(request: Request): Credentials | undefined {
  const header = request.headers.get('authorization');
  if (!header) return undefined;
  const [scheme, value, extra] = header.trim().split(/\s+/);
  if (!value || extra !== undefined) return undefined;
  if (scheme?.toLowerCase() === 'bearer') return { kind: 'bearer', secret: value };
  if (scheme?.toLowerCase() === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return undefined;
    return { kind: 'basic', publicId: decoded.slice(0, colon), secret: decoded.slice(colon + 1) };
  }
  return undefined;
}

const UNAUTHORIZED_HEADERS = { 'www-authenticate': 'Bearer realm="loom", Basic realm="loom"' };

/**
 * Who is calling: the active key the request's credentials belong to, or a 401 problem saying
 * what was wrong (no header, a malformed one, or a key that is unknown or revoked). Accepts
 * `Bearer <secret>` and HTTP Basic `<public id>:<secret>` (the Langfuse clients' scheme).
 */
export async function authenticate(
  request: Request,
  database: () => Promise<PrismaClient> = getPrisma,
): Promise<{ ok: true; principal: ApiPrincipal } | { ok: false; response: Response }> {
  const credentials = readCredentials(request);
  const refuse = (detail: string) => ({
    ok: false as const,
    response: problemResponse('UNAUTHENTICATED', detail, {
      headers: UNAUTHORIZED_HEADERS,
      errors: [{ path: 'header.authorization', message: detail }],
    }),
  });
  if (!request.headers.get('authorization')) {
    return refuse(
      'Send an API key: `Authorization: Bearer loom_sk_...`. Admins create keys under Settings → API keys.',
    );
  }
  if (!credentials) {
    return refuse(
      'The Authorization header is malformed: use `Bearer <secret>` or HTTP Basic `<public id>:<secret>`.',
    );
  }
  if (credentials.kind === 'basic' && !looksLikePublicId(credentials.publicId)) {
    return refuse('The public id in the Basic credentials is not a Loom key id (`loom_pk_...`).');
  }
  const db = await database();
  const principal =
    credentials.kind === 'bearer'
      ? await verifyApiKey(db, credentials.secret)
      : await verifyApiKeyPair(db, credentials.publicId, credentials.secret);
  if (!principal) return refuse('The API key is unknown or has been revoked.');
  return { ok: true, principal };
}

/** 403 unless the key holds `scope`. */
export function requireScope(principal: ApiPrincipal, scope: ApiScope): Response | undefined {
  if (principal.scopes.includes(scope)) return undefined;
  return problemResponse(
    'FORBIDDEN',
    `This API key lacks the "${scope}" scope. An admin can create a key that has it.`,
    {
      extensions: { requiredScope: scope },
    },
  );
}

/** 429 with Retry-After when the key is over its request limit. */
export async function checkRateLimit(principal: ApiPrincipal): Promise<Response | undefined> {
  const decision = await getApiRateLimiter().hit(principal.keyId);
  if (decision.allowed) return undefined;
  const seconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
  return problemResponse(
    'RATE_LIMITED',
    `This API key made more than ${decision.limit} requests in the last minute. Retry in ${seconds} s.`,
    {
      headers: { 'retry-after': String(seconds), 'ratelimit-limit': String(decision.limit) },
      extensions: { retryAfterSeconds: seconds },
    },
  );
}

/**
 * The request's JSON body, at most `maxBytes`: a declared Content-Length over the cap is refused
 * before a byte is read, an undeclared one the moment the count passes it (413); an empty body is
 * `{}`; text that is not JSON is a 400 naming the parser's complaint.
 */
export async function readApiJson(
  request: Request,
  maxBytes: number = MAX_API_BODY_BYTES,
): Promise<{ ok: true; value: unknown } | { ok: false; response: Response }> {
  const tooLarge = () => ({
    ok: false as const,
    response: problemWithStatus(
      413,
      'PAYLOAD_TOO_LARGE',
      'Request body too large',
      `The request body is larger than ${formatBytes(maxBytes)}; send less.`,
    ),
  });
  const invalid = (detail: string) => ({
    ok: false as const,
    response: problemResponse('INVALID_INPUT', detail, { errors: [{ path: 'body', message: detail }] }),
  });
  if (Number(request.headers.get('content-length') ?? Number.NaN) > maxBytes) return tooLarge();
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readCapped(request.body, maxBytes);
  } catch {
    return invalid('The request body ended early: the connection was closed.');
  }
  if (bytes === undefined) return tooLarge();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return invalid('The request body is not UTF-8 text.');
  }
  if (text.trim() === '') return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return invalid(`The request body is not valid JSON: ${(error as Error).message}`);
  }
}

function parsePart<S extends Schema | undefined>(
  schema: S | undefined,
  value: unknown,
  where: 'path' | 'query' | 'body',
): { ok: true; value: Out<S> } | { ok: false; response: Response } {
  if (!schema) return { ok: true, value: undefined as Out<S> };
  const parsed = schema.safeParse(value);
  if (parsed.success) return { ok: true, value: parsed.data as Out<S> };
  const errors = zodToProblemErrors(parsed.error, where);
  const detail =
    errors.length === 1 && errors[0]
      ? `${errors[0].path}: ${errors[0].message}`
      : `The request has ${errors.length} problems; see errors.`;
  // An unknown path segment is a 404 (the thing named does not exist); the rest are bad input.
  if (where === 'path') return { ok: false, response: problemResponse('NOT_FOUND', detail, { errors }) };
  return { ok: false, response: problemResponse('INVALID_INPUT', detail, { errors }) };
}

/** A route's query string as an object; repeated parameters keep their last value. */
function queryObject(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}

/**
 * Builds a public API route handler: authenticate the key, count it against its rate limit,
 * check the scope, read and validate params, query and body, run the handler, and answer any
 * failure as problem JSON (unknown errors are logged and answered as a bare 500).
 */
export function defineApiRoute<
  PS extends Schema | undefined = undefined,
  QS extends Schema | undefined = undefined,
  BS extends Schema | undefined = undefined,
>(options: ApiRouteOptions<PS, QS, BS>) {
  return withSecurityHeaders(async (request: Request, context: RouteContext) => {
    try {
      const auth = await authenticate(request);
      if (!auth.ok) return auth.response;
      const prisma = await getPrisma();
      const { principal } = auth;
      const refused = (await checkRateLimit(principal)) ?? requireScope(principal, options.scope);
      if (refused) return refused;

      const params = parsePart(options.params, await context.params, 'path');
      if (!params.ok) return params.response;
      const query = parsePart(options.query, queryObject(request), 'query');
      if (!query.ok) return query.response;
      let rawBody: unknown = undefined;
      if (options.body) {
        const read = await readApiJson(request, options.maxBodyBytes);
        if (!read.ok) return read.response;
        rawBody = read.value;
      }
      const body = parsePart(options.body, rawBody, 'body');
      if (!body.ok) return body.response;

      return await options.handler({
        request,
        principal,
        params: params.value,
        query: query.value,
        body: body.value,
        prisma,
      });
    } catch (error) {
      return problemFromError(error, options.name);
    }
  });
}

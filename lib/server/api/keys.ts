import 'server-only';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import { API_SCOPES, type ApiScope } from '@/components/api/types';
import type { ApiKey, PrismaClient } from '@/lib/generated/prisma/client';
import { LoomError } from '@/lib/loom/core';
import { writeAudit } from '../audit';
import type { Viewer } from '../auth/session';
import { logger } from '../logger';

export { API_SCOPES, type ApiScope } from '@/components/api/types';

// API keys of the runtime API. The secret (`loom_sk_` + 32 random bytes) is shown once; only its
// SHA-256 is stored (a fast hash is right for a high-entropy secret: there is nothing to guess),
// with a visible prefix so people can tell keys apart. The id (`loom_pk_...`) is public: it names the
// key in lists, run records and, with the secret, as the Langfuse-style public key.

export const apiScopeSchema = z.enum(API_SCOPES);

export const SECRET_PREFIX = 'loom_sk_';
export const PUBLIC_ID_PREFIX = 'loom_pk_';
/** 32 random bytes: 256 bits, out of reach of any guessing. */
const SECRET_BYTES = 32;
/** `loom_sk_` and the first 6 characters of the random part: enough to recognise a key, useless to an attacker. */
const VISIBLE_PREFIX_LENGTH = SECRET_PREFIX.length + 6;
/** base64url of 32 bytes is 43 characters. */
const SECRET_PATTERN = /^loom_sk_[A-Za-z0-9_-]{43}$/;
const PUBLIC_ID_PATTERN = /^loom_pk_[A-Za-z0-9_-]{22}$/;
/** last-used time is written at most this often per key and process: not a database write per request. */
const LAST_USED_WRITE_INTERVAL_MS = 60_000;

export const createApiKeySchema = z.object({
  name: z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.'),
  scopes: z.array(apiScopeSchema).min(1, 'Choose at least one scope.').max(API_SCOPES.length),
});
export type CreateApiKeyInput = z.input<typeof createApiKeySchema>;

export const revokeApiKeySchema = z.object({ id: z.string().regex(PUBLIC_ID_PATTERN, 'Not an API key id.') });

/** What anyone may see of a key: never the secret nor its hash. */
export interface ApiKeyView {
  id: string;
  name: string;
  prefix: string;
  scopes: ApiScope[];
  createdAt: Date;
  createdBy: string | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  revokedBy: string | null;
}

/** A verified key: who is calling the API. */
export interface ApiPrincipal {
  keyId: string;
  workspaceId: string;
  name: string;
  scopes: readonly ApiScope[];
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** A fresh key pair: the secret to show once, its hash to store, and the public id. */
export function generateApiKey(): { id: string; secret: string; secretHash: string; prefix: string } {
  const secret = SECRET_PREFIX + randomBytes(SECRET_BYTES).toString('base64url');
  return {
    id: PUBLIC_ID_PREFIX + randomBytes(16).toString('base64url'),
    secret,
    secretHash: hashSecret(secret),
    prefix: visiblePrefix(secret),
  };
}

/** The part of a secret that lists show, to tell keys apart. */
export function visiblePrefix(secret: string): string {
  return secret.slice(0, VISIBLE_PREFIX_LENGTH);
}

/** Whether a string has the shape of a secret: anything else is refused without a lookup. */
export function looksLikeSecret(value: string): boolean {
  return SECRET_PATTERN.test(value);
}

export function looksLikePublicId(value: string): boolean {
  return PUBLIC_ID_PATTERN.test(value);
}

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s)),
    createdAt: row.createdAt,
    createdBy: row.createdBy,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    revokedBy: row.revokedBy,
  };
}

/** Active keys first (newest first), then revoked ones. */
export async function listApiKeys(db: PrismaClient, workspaceId: string): Promise<ApiKeyView[]> {
  const rows = await db.apiKey.findMany({ where: { workspaceId }, orderBy: { createdAt: 'desc' } });
  const views = rows.map(toView);
  return [...views.filter((k) => !k.revokedAt), ...views.filter((k) => k.revokedAt)];
}

/** Creates a key and audits it in one transaction; the secret is in the answer and nowhere else. */
export async function createApiKey(
  db: PrismaClient,
  actor: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  input: z.output<typeof createApiKeySchema>,
): Promise<{ key: ApiKeyView; secret: string }> {
  const generated = generateApiKey();
  const scopes = API_SCOPES.filter((s) => input.scopes.includes(s));
  const row = await db.$transaction(async (tx) => {
    const created = await tx.apiKey.create({
      data: {
        id: generated.id,
        workspaceId: actor.workspaceId,
        name: input.name,
        prefix: generated.prefix,
        secretHash: generated.secretHash,
        scopes,
        createdBy: actor.email,
      },
    });
    await writeAudit(tx, actor, 'api_key.create', `api_key:${generated.id}`, {
      name: input.name,
      prefix: generated.prefix,
      scopes,
    });
    return created;
  });
  return { key: toView(row), secret: generated.secret };
}

/**
 * Revokes a key (idempotent: revoking a revoked key changes nothing and audits nothing) and drops it
 * from this process's verification cache at once; other processes drop it within the cache's TTL.
 */
export async function revokeApiKey(
  db: PrismaClient,
  actor: Pick<Viewer, 'workspaceId' | 'userId' | 'email'>,
  id: string,
): Promise<ApiKeyView> {
  const row = await db.$transaction(async (tx) => {
    const existing = await tx.apiKey.findFirst({ where: { id, workspaceId: actor.workspaceId } });
    if (!existing) throw new LoomError('NOT_FOUND', `No API key "${id}" in this workspace.`, { id });
    if (existing.revokedAt) return existing;
    const revoked = await tx.apiKey.update({
      where: { id },
      data: { revokedAt: new Date(), revokedBy: actor.email },
    });
    await writeAudit(tx, actor, 'api_key.revoke', `api_key:${id}`, {
      name: existing.name,
      prefix: existing.prefix,
    });
    return revoked;
  });
  await getApiKeyCache().invalidate(row.secretHash);
  return toView(row);
}

// ---------------------------------------------------------------------------------------------
// Verification: a secret in, a principal (or nothing) out, through a short-lived per-process cache.

/** What a lookup found: a principal, or null for "no such active key" (cached too, briefly). */
type CacheEntry = { principal: ApiPrincipal | null; expiresAt: number };

/**
 * Where verified keys are remembered. Entries live at most `API_KEY_CACHE_TTL_MS`, so a revocation
 * reaches every process within that time even with no message between them; an implementation
 * with a shared channel (Redis pub/sub) may also `invalidate` other processes at once.
 */
export interface ApiKeyCache {
  get(secretHash: string): CacheEntry | undefined;
  set(secretHash: string, entry: CacheEntry): void;
  /** Forgets one key (a revocation); may tell other processes. */
  invalidate(secretHash: string): Promise<void>;
}

/** A revoked key is refused everywhere within this long (the bound is 1 s). */
export const API_KEY_CACHE_TTL_MS = 500;
/** Bounds memory under a flood of made-up keys; the oldest entries go first. */
const MAX_CACHE_ENTRIES = 10_000;

export function createMemoryApiKeyCache(): ApiKeyCache {
  const entries = new Map<string, CacheEntry>();
  return {
    get(secretHash) {
      const entry = entries.get(secretHash);
      if (entry && entry.expiresAt <= Date.now()) {
        entries.delete(secretHash);
        return undefined;
      }
      return entry;
    },
    set(secretHash, entry) {
      if (entries.size >= MAX_CACHE_ENTRIES) {
        const oldest = entries.keys().next();
        if (!oldest.done) entries.delete(oldest.value);
      }
      entries.set(secretHash, entry);
    },
    async invalidate(secretHash) {
      entries.delete(secretHash);
    },
  };
}

const globalForKeys = globalThis as unknown as {
  __loomApiKeyCache?: ApiKeyCache;
  __loomApiKeyLookups?: Map<string, Promise<ApiPrincipal | null>>;
  __loomApiKeyLastUsed?: Map<string, number>;
};

export function getApiKeyCache(): ApiKeyCache {
  return (globalForKeys.__loomApiKeyCache ??= createMemoryApiKeyCache());
}

/** Replaces the process's key cache (a shared-invalidation implementation, or a fresh one in tests). */
export function setApiKeyCache(cache: ApiKeyCache): void {
  globalForKeys.__loomApiKeyCache = cache;
}

async function lookUp(db: PrismaClient, secretHash: string): Promise<ApiPrincipal | null> {
  const row = await db.apiKey.findUnique({
    where: { secretHash },
    select: { id: true, workspaceId: true, name: true, scopes: true, revokedAt: true, secretHash: true },
  });
  // The index found the row by hash; compare in constant time anyway so no timing tells how close a guess came.
  if (!row || row.revokedAt || !timingSafeEqual(Buffer.from(row.secretHash), Buffer.from(secretHash))) {
    return null;
  }
  return {
    keyId: row.id,
    workspaceId: row.workspaceId,
    name: row.name,
    scopes: row.scopes.filter((s): s is ApiScope => (API_SCOPES as readonly string[]).includes(s)),
  };
}

/**
 * The active key a secret belongs to, or undefined. Concurrent verifications of one secret share
 * a single lookup; results (negative ones too) are cached for `API_KEY_CACHE_TTL_MS`.
 */
export async function verifyApiKey(db: PrismaClient, secret: string): Promise<ApiPrincipal | undefined> {
  if (!looksLikeSecret(secret)) return undefined;
  const secretHash = hashSecret(secret);
  const cache = getApiKeyCache();
  const cached = cache.get(secretHash);
  if (cached) return touched(db, cached.principal);
  const lookups = (globalForKeys.__loomApiKeyLookups ??= new Map());
  let pending = lookups.get(secretHash);
  if (!pending) {
    pending = lookUp(db, secretHash)
      .then((principal) => {
        cache.set(secretHash, { principal, expiresAt: Date.now() + API_KEY_CACHE_TTL_MS });
        return principal;
      })
      .finally(() => lookups.delete(secretHash));
    lookups.set(secretHash, pending);
  }
  return touched(db, await pending);
}

/**
 * The key of a public id and secret pair (HTTP Basic, as Langfuse clients send it): the secret
 * decides; the id must name the same key.
 */
export async function verifyApiKeyPair(
  db: PrismaClient,
  publicId: string,
  secret: string,
): Promise<ApiPrincipal | undefined> {
  const principal = await verifyApiKey(db, secret);
  return principal?.keyId === publicId ? principal : undefined;
}

/** Notes the key's use; writes last-used time at most once a minute per key and process, never awaited. */
function touched(db: PrismaClient, principal: ApiPrincipal | null): ApiPrincipal | undefined {
  if (!principal) return undefined;
  const written = (globalForKeys.__loomApiKeyLastUsed ??= new Map());
  const now = Date.now();
  const last = written.get(principal.keyId);
  if (last === undefined || now - last >= LAST_USED_WRITE_INTERVAL_MS) {
    written.set(principal.keyId, now);
    db.apiKey
      .updateMany({ where: { id: principal.keyId }, data: { lastUsedAt: new Date(now) } })
      .catch((error: unknown) =>
        logger.warn({ error, keyId: principal.keyId }, 'api key last-used not stored'),
      );
  }
  return principal;
}

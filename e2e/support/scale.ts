import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { E2E_PORT } from './config';

// The scale-out tests' own database on the e2e PostgreSQL server: the instances they start migrate
// and seed it themselves (under the migration advisory lock), and no other spec's server sees it,
// so only those instances can pick up its background jobs.

const SERVER_URL = process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

export const SCALE_DATABASE_URL = (() => {
  const u = new URL(SERVER_URL);
  u.pathname = `/loom_e2e_scale_${E2E_PORT}`;
  return u.toString();
})();

/** Ports of the extra instances: beside the e2e server's, unlikely to be taken. */
export const SCALE_PORTS = { a: E2E_PORT + 10, b: E2E_PORT + 20 };

export async function recreateScaleDatabase(): Promise<void> {
  const client = new pg.Client({ connectionString: SERVER_URL });
  await client.connect();
  const name = new URL(SCALE_DATABASE_URL).pathname.slice(1);
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
}

export async function withScaleDatabase<T>(
  fn: (client: pg.Client, workspaceId: string) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: SCALE_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM "Workspace" ORDER BY "createdAt" LIMIT 1',
    );
    const workspaceId = rows[0]?.id;
    if (!workspaceId) throw new Error('The scale database has no workspace: did the instances seed it?');
    return await fn(client, workspaceId);
  } finally {
    await client.end();
  }
}

/**
 * A queued evaluation run of a fresh suite of `total` cases of the demo's classify-intent (exact
 * match only, so the LLM is called once per case), created a minute ago with no job: the stale-run
 * recovery of whichever instance sweeps first enqueues it, and one worker takes it.
 */
export async function seedQueuedRun(total: number): Promise<{ runId: string; workspaceId: string }> {
  const id = randomBytes(4).toString('hex');
  const suiteId = `scale-suite-${id}`;
  const runId = `scale-run-${id}`;
  return withScaleDatabase(async (client, workspaceId) => {
    const { rows: versions } = await client.query<{ version: number; model: { model: string } }>(
      `SELECT v.version, v.model FROM "PromptVersion" v JOIN "PromptLabel" l ON l."promptId" = v."promptId" AND l.version = v.version
       JOIN "Prompt" p ON p.id = v."promptId" WHERE p."workspaceId" = $1 AND p.slug = 'classify-intent' AND l.label = 'production'`,
      [workspaceId],
    );
    const production = versions[0];
    if (!production) throw new Error('classify-intent has no production version');
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Suite" ("workspaceId", id, name, "promptId", revision, "updatedAt") VALUES ($1, $2, $3, 'classify-intent', 1, now())`,
      [workspaceId, suiteId, `Scale ${id}`],
    );
    await client.query(
      `INSERT INTO "SuiteRevision" ("workspaceId", "suiteId", revision, evaluators, "caseCount") VALUES ($1, $2, 1, $3, $4)`,
      [
        workspaceId,
        suiteId,
        JSON.stringify([{ kind: 'exactMatch', name: 'exact label', trim: true, ignoreCase: true }]),
        total,
      ],
    );
    for (let i = 0; i < total; i++) {
      await client.query(
        `INSERT INTO "SuiteCase" ("workspaceId", "suiteId", revision, "caseId", position, input, expected, tags)
         VALUES ($1, $2, 1, $3, $4, $5, 'billing', '{}')`,
        [
          workspaceId,
          suiteId,
          `case-${String(i + 1).padStart(3, '0')}`,
          i,
          JSON.stringify({ text: `I was charged twice, order ${i}` }),
        ],
      );
    }
    await client.query(
      `INSERT INTO "EvalRun" ("workspaceId", id, "suiteId", "suiteRevision", "promptId", "promptVersion", "batchId",
         provider, model, concurrency, status, total, "createdAt")
       VALUES ($1, $2, $3, 1, 'classify-intent', $4, $2, 'simulator', $5, 2, 'queued', $6, now() - interval '1 minute')`,
      [workspaceId, runId, suiteId, production.version, production.model.model, total],
    );
    await client.query(
      `INSERT INTO "SuiteRun" ("workspaceId", id, "suiteId", status, "startedAt") VALUES ($1, $2, $3, 'running', now())`,
      [workspaceId, runId, suiteId],
    );
    await client.query('COMMIT');
    return { runId, workspaceId };
  });
}

export async function runState(runId: string): Promise<{ status: string; results: number }> {
  return withScaleDatabase(async (client) => {
    const { rows } = await client.query<{ status: string; results: string }>(
      `SELECT r.status, (SELECT count(*) FROM "SuiteCaseResult" c WHERE c."runId" = r.id) AS results FROM "EvalRun" r WHERE r.id = $1`,
      [runId],
    );
    return { status: rows[0]?.status ?? 'missing', results: Number(rows[0]?.results ?? 0) };
  });
}

/** API keys written straight into the scale database as the studio stores them (SHA-256 of the secret). */
export async function seedApiKeys(count: number, scopes: string[]): Promise<string[]> {
  const { createHash } = await import('node:crypto');
  return withScaleDatabase(async (client, workspaceId) => {
    const secrets: string[] = [];
    for (let i = 0; i < count; i++) {
      const secret = `loom_sk_${randomBytes(32).toString('base64url')}`;
      await client.query(
        `INSERT INTO "ApiKey" (id, "workspaceId", name, prefix, "secretHash", scopes) VALUES ($1, $2, $3, $4, $5, $6)`,
        [
          `loom_pk_${randomBytes(16).toString('base64url')}`,
          workspaceId,
          `scale test ${i}`,
          secret.slice(0, 14),
          createHash('sha256').update(secret).digest('hex'),
          scopes,
        ],
      );
      secrets.push(secret);
    }
    return secrets;
  });
}

/** A prompt with two versions and `production` on version 1, written as the registry writes it. */
export async function seedTwoVersionPrompt(slug: string): Promise<void> {
  await withScaleDatabase(async (client, workspaceId) => {
    const promptId = `scale-${randomBytes(6).toString('hex')}`;
    await client.query('BEGIN');
    await client.query(
      `INSERT INTO "Prompt" (id, "workspaceId", slug, name, description, tags, "latestVersion", "updatedAt")
       VALUES ($1, $2, $3, $3, '', '{}', 2, now())`,
      [promptId, workspaceId, slug],
    );
    for (const version of [1, 2]) {
      await client.query(
        `INSERT INTO "PromptVersion" ("promptId", version, name, description, tags, system, "user", variables, examples, model, metadata, "createdAt")
         VALUES ($1, $2, $3, '', '{}', '', $4, '[]', '[]', $5, '{}', now())`,
        [
          promptId,
          version,
          slug,
          `Say hello, version ${version}.`,
          JSON.stringify({ provider: 'simulator', model: 'gpt-4o-mini' }),
        ],
      );
    }
    await client.query(
      `INSERT INTO "PromptLabel" ("promptId", label, version, "updatedAt") VALUES ($1, 'production', 1, now())`,
      [promptId],
    );
    await client.query('COMMIT');
  });
}

/** The p-th percentile (0..1) of samples, nearest rank. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((x, y) => x - y);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] ?? Number.NaN;
}

import pg from 'pg';
import { E2E_DATABASE_URL } from './config';

/**
 * Runs `fn` on a connection to the e2e database with the id of the workspace the server seeded
 * (tests add rows to it directly, as the Prisma stores write them).
 */
export async function withSeededWorkspace<T>(
  fn: (client: pg.Client, workspaceId: string) => Promise<T>,
): Promise<T> {
  const client = new pg.Client({ connectionString: E2E_DATABASE_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>(
      'SELECT id FROM "Workspace" ORDER BY "createdAt" LIMIT 1',
    );
    const workspaceId = rows[0]?.id;
    if (!workspaceId) throw new Error('The e2e database has no workspace: did the server seed it?');
    return await fn(client, workspaceId);
  } finally {
    await client.end();
  }
}

/** The version the prompt's production label points at, read from the database. */
export async function productionOf(promptId: string): Promise<number | undefined> {
  return withSeededWorkspace(async (client, workspaceId) => {
    const { rows } = await client.query<{ version: number }>(
      `SELECT l.version FROM "PromptLabel" l JOIN "Prompt" p ON p.id = l."promptId"
       WHERE p."workspaceId" = $1 AND p.slug = $2 AND l.label = 'production'`,
      [workspaceId, promptId],
    );
    return rows[0]?.version;
  });
}

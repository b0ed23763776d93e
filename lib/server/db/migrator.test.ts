import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { TEST_DATABASE_URL } from '@/test/db';
import { pgConnection } from './open';
import { migrate, pendingMigrations, readMigrations, type SqlConnection } from './migrator';

const created: string[] = [];

async function freshDatabase(): Promise<string> {
  const name = `loom_mig_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${name}"`);
  await admin.end();
  created.push(name);
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return url.toString();
}

async function connect(url: string): Promise<{ conn: SqlConnection; end: () => Promise<void> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  return { conn: pgConnection(client), end: () => client.end() };
}

afterAll(async () => {
  const admin = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await admin.connect();
  for (const name of created) await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  await admin.end();
});

describe('migrator on PostgreSQL', () => {
  it('applies every migration once, records them as Prisma does, and is a no-op the second time', async () => {
    const url = await freshDatabase();
    const migrations = await readMigrations();
    const { conn, end } = await connect(url);
    expect(await pendingMigrations(conn, migrations)).toEqual(migrations.map((m) => m.name));
    expect(await migrate(conn, migrations)).toEqual(migrations.map((m) => m.name));
    expect(await migrate(conn, migrations)).toEqual([]);
    expect(await pendingMigrations(conn, migrations)).toEqual([]);
    const { rows } = await conn.query<{ migration_name: string; checksum: string }>(
      'SELECT migration_name, checksum FROM "_prisma_migrations" ORDER BY migration_name',
    );
    expect(rows).toEqual(migrations.map((m) => ({ migration_name: m.name, checksum: m.checksum })));
    await end();
  });

  it('lets two instances starting at once apply each migration exactly once', async () => {
    const url = await freshDatabase();
    const migrations = await readMigrations();
    const [a, b] = await Promise.all([connect(url), connect(url)]);
    const [doneA, doneB] = await Promise.all([migrate(a.conn, migrations), migrate(b.conn, migrations)]);
    expect([...doneA, ...doneB].sort()).toEqual(migrations.map((m) => m.name).sort());
    const { rows } = await a.conn.query<{ n: string }>('SELECT count(*) AS n FROM "_prisma_migrations"');
    expect(Number(rows[0]?.n)).toBe(migrations.length);
    await Promise.all([a.end(), b.end()]);
  });

  it('rolls a failing migration back completely and names it', async () => {
    const url = await freshDatabase();
    const { conn, end } = await connect(url);
    const broken = [
      {
        name: '20990101000000_broken',
        checksum: 'x',
        sql: 'CREATE TABLE half_done (id int); SELECT * FROM no_such_table;',
      },
    ];
    await expect(migrate(conn, broken)).rejects.toThrow(/20990101000000_broken failed/);
    const { rows } = await conn.query<{ t: string | null }>(`SELECT to_regclass('half_done')::text AS t`);
    expect(rows[0]?.t).toBeNull();
    await end();
  });
});

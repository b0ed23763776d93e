// Playwright's web server: a fresh e2e database on the PostgreSQL server, then `npm start` on it.
import pg from 'pg';

const url = new URL(process.env.DATABASE_URL);
const database = url.pathname.slice(1);
const admin = new URL(url);
admin.pathname = '/postgres';
const client = new pg.Client({ connectionString: admin.toString() });
await client.connect();
await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
await client.query(`CREATE DATABASE "${database}"`);
await client.end();

await import('./start.mjs');

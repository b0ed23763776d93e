import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const START = path.join(import.meta.dirname, 'start.mjs');

function start(env: Record<string, string>, dataDir = mkdtempSync(path.join(tmpdir(), 'loom-start-'))) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [START], {
    env: {
      NODE_ENV: 'production',
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOOM_DATA_DIR: dataDir,
      ...env,
    },
    encoding: 'utf8',
    timeout: 30_000,
  });
  return { ...result, elapsedMs: Date.now() - started };
}

describe('npm start refuses a bad configuration with one clear line', () => {
  it('names DATABASE_URL and its host when the server is unreachable, within seconds', () => {
    const result = start({
      DATABASE_URL: 'postgresql://loom@127.0.0.1:1/loom',
      NEXTAUTH_SECRET: 'x'.repeat(40),
    });
    expect(result.status).toBe(1);
    expect(result.elapsedMs).toBeLessThan(10_000);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^✖ DATABASE_URL points at 127\.0\.0\.1:1, which cannot be reached/);
  });

  it('wants NEXTAUTH_SECRET when it runs on a PostgreSQL server', () => {
    const result = start({
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/NEXTAUTH_SECRET must be set/);
  });
});

describe('npm start keeps its data directory private', () => {
  it('makes .data and secrets.json owner-only and drops an admin password an older version stored', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'loom-start-')), '.data');
    const secretsFile = path.join(dataDir, 'secrets.json');
    mkdirSync(dataDir, { mode: 0o755 });
    writeFileSync(
      secretsFile,
      JSON.stringify({ NEXTAUTH_SECRET: 's'.repeat(44), LOOM_ADMIN_PASSWORD: 'plain-text-password' }),
    );
    chmodSync(secretsFile, 0o644);
    // Stops right after preparing the secrets (no NEXTAUTH_SECRET for a PostgreSQL server).
    start(
      { DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres' },
      dataDir,
    );
    expect(statSync(dataDir).mode & 0o777).toBe(0o700);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    const secrets = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    expect(secrets).not.toHaveProperty('LOOM_ADMIN_PASSWORD');
    expect(readFileSync(secretsFile, 'utf8')).not.toContain('plain-text-password');
    expect(secrets.NEXTAUTH_SECRET).toBe('s'.repeat(44));
  });

  it('generates the demo API key once and keeps it in the owner-only secrets file', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'loom-start-')), '.data');
    const secretsFile = path.join(dataDir, 'secrets.json');
    const stopEarly = {
      DATABASE_URL: process.env.TEST_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    };
    start(stopEarly, dataDir);
    const first = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    expect(first.LOOM_DEMO_API_KEY).toMatch(/^loom_sk_[A-Za-z0-9_-]{43}$/);
    expect(first.LOOM_DEMO_API_KEY_ID).toMatch(/^loom_pk_[A-Za-z0-9_-]{22}$/);
    expect(statSync(secretsFile).mode & 0o777).toBe(0o600);
    start(stopEarly, dataDir);
    const second = JSON.parse(readFileSync(secretsFile, 'utf8')) as Record<string, string>;
    expect(second.LOOM_DEMO_API_KEY).toBe(first.LOOM_DEMO_API_KEY);
    expect(second.LOOM_DEMO_API_KEY_ID).toBe(first.LOOM_DEMO_API_KEY_ID);
  });
});

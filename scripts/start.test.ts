import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const START = path.join(import.meta.dirname, 'start.mjs');

function start(env: Record<string, string>) {
  const started = Date.now();
  const result = spawnSync(process.execPath, [START], {
    env: {
      NODE_ENV: 'production',
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      LOOM_DATA_DIR: mkdtempSync(path.join(tmpdir(), 'loom-start-')),
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

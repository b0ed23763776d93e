import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const ROOT = path.resolve(import.meta.dirname, '..');
const ARGS = ['--conditions=react-server', '--import', 'tsx', 'scripts/worker.ts'];
const BASE_ENV: NodeJS.ProcessEnv = {
  NODE_ENV: 'development',
  NEXT_TELEMETRY_DISABLED: '1',
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
};

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ kind: 'postgres' });
});
afterAll(() => db.close());

describe('npm run worker', () => {
  it('refuses to start without DATABASE_URL, saying why', () => {
    const result = spawnSync(process.execPath, ARGS, {
      cwd: ROOT,
      env: BASE_ENV,
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/npm run worker needs DATABASE_URL/);
    expect(result.stderr).toMatch(/one process only/);
  });

  it('starts on DATABASE_URL, installing the job queue there, and stops cleanly on SIGTERM', async () => {
    const child = spawn(process.execPath, ARGS, {
      cwd: ROOT,
      env: { ...BASE_ENV, DATABASE_URL: db.url ?? '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const ready = new Promise<boolean>((resolve) => {
      child.stdout.on('data', () => stdout.includes('job worker ready') && resolve(true));
      void exited.then(() => resolve(false));
    });
    expect(await ready, stderr).toBe(true);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/SIGTERM: stopping the job worker/);
    // Its pg-boss schema is installed on the server, with the studio's queues.
    const queues = await db.prisma.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM pgboss.queue');
    expect(queues.map((q) => q.name)).toContain('eval-run');
  }, 60_000);
});

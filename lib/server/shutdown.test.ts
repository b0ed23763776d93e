import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { onShutdown, shutdown } from './shutdown';

const state = globalThis as unknown as { __loomShutdown?: Promise<void> };

describe('shutdown hooks', () => {
  afterEach(() => {
    state.__loomShutdown = undefined;
    vi.restoreAllMocks();
  });

  it('run once, newest first, past a failing step, within the deadline', async () => {
    vi.spyOn(console, 'log').mockImplementation(() => undefined);
    const errors = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const order: string[] = [];
    onShutdown('database', async () => void order.push('database'));
    onShutdown('stuck', () => new Promise(() => order.push('stuck')));
    onShutdown('broken', async () => {
      order.push('broken');
      throw new Error('boom');
    });
    onShutdown('analytics', async () => void order.push('analytics'));

    const started = Date.now();
    await Promise.all([shutdown(200), shutdown(200)]);
    expect(order).toEqual(['analytics', 'broken', 'stuck', 'database']);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(errors.mock.calls.some(([line]) => String(line).includes('shutdown step failed'))).toBe(true);
  });
});

describe('SIGTERM', () => {
  it('writes the analytics backlog before the process exits, even when Next exits at once', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'loom-shutdown-')), 'stored.txt');
    const child = spawn(
      process.execPath,
      ['--conditions=react-server', '--import', 'tsx', 'test/fixtures/shutdown-child.ts', out],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('ready') && resolve());
      child.once('exit', (code) => reject(new Error(`child exited early (${code})`)));
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(143);
    expect(existsSync(out) ? readFileSync(out, 'utf8') : '').toBe('[0,1,2,3,4]\n');
  }, 30_000);
});

import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeLlmServer, type FakeLlmServer } from '../../lib/adapters/fake-llm/server';
import { E2E_DATABASE_URL } from './config';

// More studio instances beside Playwright's web server, for the scale-out tests: each a production
// `next start` of the same build on its own loopback port, against the e2e database, with a Redis
// and an offline LLM (the simulator) of its own so a test can count which instance paid for what.

const ROOT = path.resolve(import.meta.dirname, '../..');
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const HEALTH_TIMEOUT_MS = 90_000;

export interface StudioInstance {
  name: string;
  url: string;
  /** The simulator this instance calls: its `requests` are what this instance paid for. */
  llm: FakeLlmServer;
  /** SIGKILL to the whole process group: a crash, no shutdown hooks. */
  kill(): Promise<void>;
  /** SIGTERM and wait (the studio's clean shutdown). */
  stop(): Promise<void>;
}

/** The session secret Playwright's server uses (playwright.config.ts), so one cookie signs in everywhere. */
const NEXTAUTH_SECRET = 'e2e-secret-that-is-long-enough-for-production-use';

/** The encryption key `npm start` generated for the main e2e server, so sealed provider keys open here too. */
function encryptionKey(): string | undefined {
  const file = path.join(ROOT, process.env.LOOM_DATA_DIR ?? '.data', 'secrets.json');
  if (!existsSync(file)) return undefined;
  return (JSON.parse(readFileSync(file, 'utf8')) as { LOOM_ENCRYPTION_KEY?: string }).LOOM_ENCRYPTION_KEY;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null
    ? Promise.resolve()
    : new Promise((resolve) => child.once('exit', () => resolve()));
}

export async function startStudioInstance(options: {
  name: string;
  port: number;
  env?: Record<string, string>;
  llmLatencyMs?: number;
}): Promise<StudioInstance> {
  const llm = await startFakeLlmServer({ port: 0, script: { latencyMs: options.llmLatencyMs ?? 0 } });
  const key = encryptionKey();
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(options.port), '-H', '127.0.0.1'], {
    cwd: ROOT,
    env: {
      ...process.env,
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      PORT: String(options.port),
      DATABASE_URL: E2E_DATABASE_URL,
      NEXTAUTH_SECRET,
      AUTH_TRUST_HOST: 'true',
      LOOM_SIMULATOR_URL: llm.url,
      ...(key ? { LOOM_ENCRYPTION_KEY: key } : {}),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group: killing it reaches next-server, not only the wrapper.
    detached: true,
  });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString('utf8'));
    if (output.length > 200) output.shift();
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const url = `http://127.0.0.1:${options.port}`;
  const signal = (name: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(-child.pid, name);
    } catch {
      // already gone
    }
  };
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${options.name} exited at start:\n${output.join('')}`);
    const healthy = await fetch(`${url}/api/health`).then(
      (response) => response.ok,
      () => false,
    );
    if (healthy) break;
    if (Date.now() > deadline) {
      signal('SIGKILL');
      throw new Error(`${options.name} did not become healthy:\n${output.join('')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    name: options.name,
    url,
    llm,
    async kill() {
      signal('SIGKILL');
      await exited(child);
      await llm.close();
    },
    async stop() {
      signal('SIGTERM');
      const killer = setTimeout(() => signal('SIGKILL'), 15_000);
      await exited(child);
      clearTimeout(killer);
      await llm.close();
    },
  };
}

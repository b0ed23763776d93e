// `npm start`: builds when the sources changed, prepares secrets and the first admin, starts the
// offline simulator and the studio on the embedded PostgreSQL (or DATABASE_URL), waits until it is
// healthy and prints how to sign in: the first admin's password only on the start that creates the
// account (it is never stored). Ctrl-C stops both cleanly.
import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import pg from 'pg';

const ROOT = path.resolve(import.meta.dirname, '..');
const DATA_DIR = path.resolve(ROOT, process.env.LOOM_DATA_DIR ?? '.data');
const SECRETS_FILE = path.join(DATA_DIR, 'secrets.json');
/** What the server prints when it creates the admin account (lib/server/db/seed.ts). */
const ADMIN_CREATED_LINE = '[loom] admin account created:';
/** What the server prints at boot about the demo API key (lib/server/db/demo.ts): active, revoked or absent. */
const DEMO_API_KEY_LINE = '[loom] demo API key:';
/** The demo prompt the printed curl line fetches. */
const DEMO_PROMPT = 'support-reply';
const DEFAULT_ADMIN_EMAIL = 'admin@loom.local';
const BUILD_STAMP = path.join(ROOT, '.next', 'loom-build-stamp');
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
/** What a build depends on; anything else changing does not need a rebuild. */
const BUILD_INPUTS = [
  'app',
  'components',
  'lib',
  'public',
  'prisma/schema.prisma',
  'next.config.ts',
  'tsconfig.json',
  'postcss.config.mjs',
  'proxy.ts',
  'instrumentation.ts',
  'package-lock.json',
];
const PORT = Number(process.env.PORT ?? 3000);
const HOST = process.env.HOST ?? '127.0.0.1';
const HEALTH_TIMEOUT_MS = 120_000;
/** Delay between streamed words of the simulator's `sim-slow` model: slow enough to watch and cancel. */
const SLOW_CHUNK_DELAY_MS = 400;

const env = { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1' };

function die(message) {
  console.error(`\n✖ ${message}\n`);
  process.exit(1);
}

/**
 * The session secret, the encryption key and the admin's email, generated once and kept
 * owner-only in the data directory. Passwords are never kept.
 */
function loadSecrets() {
  mkdirSync(DATA_DIR, { recursive: true, mode: 0o700 });
  chmodSync(DATA_DIR, 0o700); // also when an older version created it readable by others
  const saved = existsSync(SECRETS_FILE) ? JSON.parse(readFileSync(SECRETS_FILE, 'utf8')) : {};
  delete saved.LOOM_ADMIN_PASSWORD; // older versions kept it here in plain text
  const secrets = {
    NEXTAUTH_SECRET: randomBytes(32).toString('base64'),
    LOOM_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    LOOM_ADMIN_EMAIL: DEFAULT_ADMIN_EMAIL,
    // The demo workspace's API key: the server stores only its hash; this file keeps it to print.
    LOOM_DEMO_API_KEY: `loom_sk_${randomBytes(32).toString('base64url')}`,
    LOOM_DEMO_API_KEY_ID: `loom_pk_${randomBytes(16).toString('base64url')}`,
    ...saved,
  };
  writeFileSync(SECRETS_FILE, JSON.stringify(secrets, null, 2) + '\n', { mode: 0o600 });
  chmodSync(SECRETS_FILE, 0o600);
  return secrets;
}

/**
 * Forwards the server's output and notes whether it created the admin account on this start, and
 * whether the demo API key can be used.
 */
function watchServerOutput(stream) {
  const seen = { created: false, demoKey: undefined };
  let pending = '';
  stream.on('data', (chunk) => {
    process.stdout.write(chunk);
    const lines = (pending + chunk.toString('utf8')).split('\n');
    pending = lines.pop() ?? '';
    if (lines.some((line) => line.startsWith(ADMIN_CREATED_LINE))) seen.created = true;
    const keyLine = lines.find((line) => line.startsWith(DEMO_API_KEY_LINE));
    if (keyLine) seen.demoKey = keyLine.slice(DEMO_API_KEY_LINE.length).trim();
  });
  return seen;
}

function signInLines(created) {
  const email = env.LOOM_ADMIN_EMAIL;
  const reset = `npm run user:reset-password -- ${email}`;
  if (!created) return `  Sign in:  ${email} (lost the password? stop the studio and run: ${reset})`;
  const password = process.env.LOOM_ADMIN_PASSWORD
    ? 'the password in LOOM_ADMIN_PASSWORD'
    : env.LOOM_ADMIN_PASSWORD;
  return `  Sign in:  ${email} / ${password}
  This password is shown only now and is not stored: change it under Account after signing in
  (if it is lost: ${reset}).`;
}

/** The demo key and a curl line that uses it, while the key is active; a note when an admin revoked it. */
function apiKeyLines(status, url) {
  if (status === 'revoked')
    return '\n  API key:  the demo key was revoked; create keys under Settings → API keys';
  if (status !== 'active') return '';
  const key = env.LOOM_DEMO_API_KEY;
  return `
  API key:  ${key}  (public id ${env.LOOM_DEMO_API_KEY_ID})
  curl -H "Authorization: Bearer ${key}" ${url}/api/v1/prompts/${DEMO_PROMPT}`;
}

async function checkDatabaseUrl(url) {
  let where = 'an unparseable URL';
  try {
    const u = new URL(url);
    where = `${u.hostname}:${u.port || 5432}`;
  } catch {
    die(`DATABASE_URL is not a valid postgresql:// URL.`);
  }
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    die(
      `DATABASE_URL points at ${where}, which cannot be reached (${error.message || error.code || error}).`,
    );
  } finally {
    await client.end().catch(() => {});
  }
}

function hashInputs() {
  const hash = createHash('sha256');
  const visit = (rel) => {
    const abs = path.join(ROOT, rel);
    if (!existsSync(abs)) return;
    if (statSync(abs).isDirectory()) {
      if (rel === path.join('lib', 'generated')) return;
      for (const name of readdirSync(abs).sort()) {
        if (!name.endsWith('.test.ts')) visit(path.join(rel, name));
      }
    } else {
      hash.update(rel).update('\0').update(readFileSync(abs));
    }
  };
  BUILD_INPUTS.forEach(visit);
  return hash.digest('hex');
}

function buildIfNeeded() {
  const stamp = hashInputs();
  const built =
    existsSync(path.join(ROOT, '.next', 'BUILD_ID')) &&
    existsSync(BUILD_STAMP) &&
    readFileSync(BUILD_STAMP, 'utf8') === stamp;
  if (built) {
    console.log('• The build is up to date.');
    return;
  }
  console.log('• Building the studio (about a minute the first time)…');
  const result = spawnSync(process.execPath, [NEXT_BIN, 'build'], { cwd: ROOT, env, stdio: 'inherit' });
  if (result.status !== 0) die('The build failed; see the output above.');
  writeFileSync(BUILD_STAMP, stamp);
}

async function waitForHealth(url, child) {
  const deadline = Date.now() + HEALTH_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) return false;
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

/**
 * The offline simulator (lib/adapters/fake-llm) on a free loopback port, in this process so it
 * stops with the studio. It answers like OpenAI and Ollama; the model `sim-slow` streams slowly, and
 * the demo workspace's intent classifier and judge get their demo answers (fake-llm/demo-rules.ts).
 * Its TypeScript is loaded through tsx; without tsx (a production install without dev
 * dependencies) the studio runs without it.
 */
async function startSimulator() {
  let tsImport;
  try {
    ({ tsImport } = await import('tsx/esm/api'));
  } catch {
    console.log('• tsx is not installed, so the offline simulator is off.');
    return undefined;
  }
  const { startFakeLlmServer } = await tsImport('../lib/adapters/fake-llm/server.ts', import.meta.url);
  const { DEFAULT_FAKE_MODELS } = await tsImport('../lib/adapters/fake-llm/script.ts', import.meta.url);
  const { demoSimulatorRules } = await tsImport('../lib/adapters/fake-llm/demo-rules.ts', import.meta.url);
  return startFakeLlmServer({
    port: 0,
    script: {
      chunkDelayMs: 30,
      models: [
        ...DEFAULT_FAKE_MODELS,
        { id: 'sim-slow', contextWindow: 8_192, family: 'gpt', ownedBy: 'simulator' },
      ],
      rules: [{ model: 'sim-slow', chunkDelayMs: SLOW_CHUNK_DELAY_MS }, ...demoSimulatorRules()],
    },
  });
}

async function main() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19))
    die(`Node.js 20.19 or newer is required (this is ${process.version}).`);
  if (!existsSync(NEXT_BIN)) die('Dependencies are missing. Run `npm install` first.');

  const secrets = loadSecrets();
  if (process.env.DATABASE_URL) {
    await checkDatabaseUrl(process.env.DATABASE_URL);
    if (!process.env.NEXTAUTH_SECRET)
      die('NEXTAUTH_SECRET must be set (at least 32 random characters) when DATABASE_URL is set.');
  } else {
    env.NEXTAUTH_SECRET = secrets.NEXTAUTH_SECRET;
  }
  env.LOOM_ENCRYPTION_KEY ??= secrets.LOOM_ENCRYPTION_KEY;
  // Used only if the account does not exist yet; a fresh one each start, never written down.
  env.LOOM_ADMIN_EMAIL ??= secrets.LOOM_ADMIN_EMAIL;
  env.LOOM_DEMO_API_KEY ??= secrets.LOOM_DEMO_API_KEY;
  env.LOOM_DEMO_API_KEY_ID ??= secrets.LOOM_DEMO_API_KEY_ID;
  env.LOOM_ADMIN_PASSWORD ??= randomBytes(12).toString('base64url');
  if (!env.NEXTAUTH_URL) env.AUTH_TRUST_HOST = 'true'; // one machine: the origin is whatever host the browser used

  buildIfNeeded();

  const simulator = env.LOOM_SIMULATOR_URL ? undefined : await startSimulator();
  if (simulator) env.LOOM_SIMULATOR_URL = simulator.url;

  const url = `http://${HOST === '0.0.0.0' ? 'localhost' : HOST}:${PORT}`;
  // Whatever the server creates (the embedded database, caches) is readable by this user only.
  process.umask(0o077);
  // Its own process group, so Ctrl-C reaches next-server and not just a wrapper.
  const child = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(PORT), '-H', HOST], {
    cwd: ROOT,
    env,
    stdio: ['inherit', 'pipe', 'inherit'],
    detached: true,
  });
  const server = watchServerOutput(child.stdout);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    console.log('\n• Stopping Loom Studio…');
    simulator?.close().catch(() => {});
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      // already gone
    }
    setTimeout(() => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
    }, 10_000).unref();
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  child.on('exit', (code, signal) => process.exit(stopping ? 0 : (code ?? (signal ? 1 : 0))));

  if (await waitForHealth(url, child)) {
    const database = process.env.DATABASE_URL
      ? 'PostgreSQL from DATABASE_URL'
      : `embedded PostgreSQL in ${path.relative(ROOT, DATA_DIR)}/pglite`;
    console.log(`
  Loom Studio is running at ${url}
  Database: ${database}
  Simulator: ${env.LOOM_SIMULATOR_URL ?? 'off'} (the "simulator" provider of the demo workspace)
${signInLines(server.created)}${apiKeyLines(server.demoKey, url)}
  (generated secrets, never passwords, are kept in ${path.relative(ROOT, SECRETS_FILE)}; Ctrl-C stops the studio)
`);
  } else if (child.exitCode === null) {
    console.error(
      `✖ The studio did not become healthy within ${HEALTH_TIMEOUT_MS / 1000} s; see ${url}/api/health`,
    );
  }
}

await main();

// The runtime API under load: the production build on loopback against a real PostgreSQL, driven
// by autocannon (as a library) and by sequential timed calls. Every figure is against a peer of
// the same run. Run with
//   npm run bench:api
// It needs a production build (`npx next build`, or any `npm start` / e2e run) in .next.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import path from 'node:path';
import autocannon, { type AutocannonResult } from 'autocannon';
import OpenAI from 'openai';
import { startFakeLlmServer } from '@/lib/adapters/fake-llm';
import { createPrismaExperimentStore } from '@/lib/adapters/prisma/experiments';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createApiKey } from '@/lib/server/api/keys';
import { createTestDatabase } from '@/test/db';
import { median } from './harness';

const ROOT = path.resolve(import.meta.dirname, '..');
const NEXT_BIN = path.join(ROOT, 'node_modules', 'next', 'dist', 'bin', 'next');
const CONNECTIONS = 64;
const LOAD_SECONDS = 20;
const WARMUP_SECONDS = 3;
/** Sequential calls per side for the latency differences. */
const SAMPLES = 400;
/** Unmeasured calls per side before them. */
const WARMUP_CALLS = 300;
const REVOCATION_TRIALS = 5;

const log = (line: string) => console.log(line);

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/api/health`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('the server did not become healthy within 120 s');
}

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await fn();
  return performance.now() - started;
}

/** p50 of `a` minus p50 of `b`, calls interleaved so both sides see the same machine. */
async function addedP50(a: (i: number) => Promise<unknown>, b: (i: number) => Promise<unknown>) {
  // Warm both paths until V8 has optimized them: a production server answers millions of calls.
  for (let i = 0; i < WARMUP_CALLS; i += 1) {
    await a(i);
    await b(i);
  }
  const as: number[] = [];
  const bs: number[] = [];
  for (let i = 0; i < SAMPLES; i += 1) {
    as.push(await timed(() => a(i)));
    bs.push(await timed(() => b(i)));
  }
  return { a: median(as), b: median(bs), added: median(as) - median(bs) };
}

async function load(url: string, headers: Record<string, string> = {}): Promise<AutocannonResult> {
  await autocannon({ url, connections: CONNECTIONS, duration: WARMUP_SECONDS, headers });
  return autocannon({ url, connections: CONNECTIONS, duration: LOAD_SECONDS, headers });
}

const round = (value: number, digits = 3) => Number(value.toFixed(digits));

async function ok(response: Response, what: string): Promise<Response> {
  if (!response.ok) throw new Error(`${what}: ${response.status} ${await response.text()}`);
  return response;
}

async function main() {
  if (!existsSync(path.join(ROOT, '.next', 'BUILD_ID'))) {
    log('• No production build: building (about two minutes)…');
    const built = spawnSync(process.execPath, [NEXT_BIN, 'build'], { cwd: ROOT, stdio: 'inherit' });
    if (built.status !== 0) throw new Error('next build failed');
  }
  const loadBefore = loadavg()[0] ?? 0;
  const [db, fake] = await Promise.all([createTestDatabase({ kind: 'postgres' }), startFakeLlmServer()]);
  let server: ChildProcess | undefined;
  try {
    const workspaceId = (await db.prisma.workspace.create({ data: { slug: 'demo', name: 'Bench' } })).id;
    await db.prisma.providerConfig.create({
      data: { workspaceId, name: 'simulator', kind: 'openai', isSimulator: true },
    });
    const registry = createPrismaRegistry(db.prisma, workspaceId);
    const prompt = {
      version: 0,
      name: 'Bench greeting',
      description: 'A support reply of typical size.',
      system: 'You are a helpful support agent for {{ product }}. Be accurate and kind.',
      user: 'Customer {{ customer_name }} writes:\n\n{{ message }}\n\nDraft a reply.',
      variables: [
        { name: 'customer_name', type: 'string' as const, required: true },
        { name: 'message', type: 'string' as const, required: true },
        { name: 'product', type: 'string' as const, default: 'Loom' },
      ],
      model: { provider: 'simulator', model: 'gpt-4o-mini' },
    };
    for (const id of ['bench-greet', 'bench-exp']) {
      await registry.save({ ...prompt, id });
      await registry.save({ ...prompt, id, system: `${prompt.system} Keep it short.` });
      await registry.setLabel(id, 'production', 1);
    }
    await createPrismaExperimentStore(db.prisma, workspaceId).saveExperiment({
      id: 'bench-tone',
      promptId: 'bench-exp',
      variants: [
        { name: 'control', version: 1, weight: 1 },
        { name: 'short', version: 2, weight: 1 },
      ],
      metric: { kind: 'binary' },
    });
    const actor = { workspaceId, userId: 'bench', email: 'bench@loom.local' };
    const { secret } = await createApiKey(db.prisma, actor, {
      name: 'bench',
      scopes: ['prompts:read', 'prompts:execute', 'experiments:write'],
    });
    const auth = { authorization: `Bearer ${secret}` };

    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    log(`• Starting the production build on ${url} (PostgreSQL ${db.url?.replace(/\/\/[^@]*@/, '//')})`);
    server = spawn(process.execPath, [NEXT_BIN, 'start', '-p', String(port), '-H', '127.0.0.1'], {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        DATABASE_URL: db.url,
        NEXTAUTH_SECRET: 'bench-secret-that-is-long-enough-for-production',
        LOOM_SIMULATOR_URL: fake.url,
        LOOM_WORKER: 'off',
        // The load is one key on purpose: its limits would otherwise be what gets measured.
        LOOM_API_RATE_LIMIT: '1000000000',
        LOOM_API_EXECUTE_RATE_LIMIT: '1000000000',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForHealth(url, server);

    const promptUrl = `${url}/api/v1/prompts/bench-greet?label=production`;
    await ok(await fetch(promptUrl, { headers: auth }), 'prompt fetch');

    log(`• Load: ${CONNECTIONS} connections, ${LOAD_SECONDS} s each (after ${WARMUP_SECONDS} s of warm-up)`);
    const ping = await load(`${url}/api/v1/ping`);
    log(`  GET /api/v1/ping: ${Math.round(ping.requests.average)} req/s, p99 ${ping.latency.p99} ms`);
    const fetched = await load(promptUrl, auth);
    log(
      `  GET /api/v1/prompts/{id}: ${Math.round(fetched.requests.average)} req/s, p99 ${fetched.latency.p99} ms`,
    );
    const promptErrors = fetched.errors + fetched.timeouts + fetched.non2xx;

    log(
      '• Execute: the official openai SDK on the OpenAI-compatible endpoint (fake LLM behind) vs the same SDK straight to the fake LLM',
    );
    const variables = { customer_name: 'Ada', message: 'My invoice shows the wrong amount.' };
    const rendered = (await (
      await ok(
        await fetch(`${url}/api/v1/prompts/bench-greet/render`, {
          method: 'POST',
          headers: { ...auth, 'content-type': 'application/json' },
          body: JSON.stringify({ variables }),
        }),
        'render',
      )
    ).json()) as { messages: { role: 'system' | 'user' | 'assistant'; content: string }[] };
    const direct = new OpenAI({ apiKey: 'bench', baseURL: `${fake.url}/v1`, maxRetries: 0 });
    const studio = new OpenAI({ apiKey: secret, baseURL: `${url}/api/v1`, maxRetries: 0 });
    const straight = () =>
      direct.chat.completions.create({ model: 'gpt-4o-mini', messages: rendered.messages });
    const execute = await addedP50(
      () =>
        studio.chat.completions.create({
          model: 'bench-greet',
          messages: [],
          ...({ variables } as object),
        }),
      straight,
    );
    log(
      `  p50 ${execute.a.toFixed(2)} ms vs ${execute.b.toFixed(2)} ms: ${execute.added.toFixed(2)} ms added`,
    );
    log('• The same through the REST execute route (fetch) vs the SDK straight to the fake LLM');
    const executeBody = JSON.stringify({ variables });
    const restExecute = await addedP50(
      async () =>
        ok(
          await fetch(`${url}/api/v1/prompts/bench-greet/execute`, {
            method: 'POST',
            headers: { ...auth, 'content-type': 'application/json' },
            body: executeBody,
          }),
          'execute',
        ).then((r) => r.json()),
      straight,
    );
    log(
      `  p50 ${restExecute.a.toFixed(2)} ms vs ${restExecute.b.toFixed(2)} ms: ${restExecute.added.toFixed(2)} ms added`,
    );

    log('• Experiment assignment: prompt fetch with a unitId vs without (running experiment)');
    const expUrl = `${url}/api/v1/prompts/bench-exp?label=production`;
    const assign = await addedP50(
      async (i) =>
        ok(await fetch(`${expUrl}&unitId=unit-${i % 1000}`, { headers: auth }), 'assign').then((r) =>
          r.text(),
        ),
      async () => ok(await fetch(expUrl, { headers: auth }), 'fetch').then((r) => r.text()),
    );
    log(`  p50 ${assign.a.toFixed(2)} ms vs ${assign.b.toFixed(2)} ms: ${assign.added.toFixed(2)} ms added`);

    log(
      `• Revocation seen by the server (revoked in the database, as another instance would): ${REVOCATION_TRIALS} trials`,
    );
    const revocations: number[] = [];
    for (let trial = 0; trial < REVOCATION_TRIALS; trial += 1) {
      const key = await createApiKey(db.prisma, actor, { name: `revoke-${trial}`, scopes: ['prompts:read'] });
      const headers = { authorization: `Bearer ${key.secret}` };
      await ok(await fetch(promptUrl, { headers }), 'fresh key');
      // Land at a random point of the server's cache lifetime.
      await new Promise((r) => setTimeout(r, Math.random() * 500));
      await db.prisma.apiKey.update({ where: { id: key.key.id }, data: { revokedAt: new Date() } });
      const revokedAt = performance.now();
      for (;;) {
        const response = await fetch(promptUrl, { headers });
        await response.arrayBuffer();
        if (response.status === 401) break;
        if (performance.now() - revokedAt > 5_000)
          throw new Error('a revoked key was still accepted after 5 s');
      }
      revocations.push(performance.now() - revokedAt);
    }
    log(`  rejected after ${revocations.map((ms) => ms.toFixed(0)).join(', ')} ms`);

    const figures = {
      'api.static_rps': Math.round(ping.requests.average),
      'api.get_prompt_rps': Math.round(fetched.requests.average),
      'api.get_prompt_vs_static_rps': round(fetched.requests.average / ping.requests.average),
      'api.static_p99_ms': ping.latency.p99,
      'api.get_prompt_p99_ms': fetched.latency.p99,
      'api.get_prompt_p99_vs_static': round(fetched.latency.p99 / Math.max(1, ping.latency.p99)),
      'api.get_prompt_errors': promptErrors,
      'api.execute_p50_ms': round(execute.a, 2),
      'api.execute_direct_p50_ms': round(execute.b, 2),
      'api.execute_added_p50_ms': round(execute.added, 2),
      'api.rest_execute_added_p50_ms': round(restExecute.added, 2),
      'api.revoked_key_rejected_ms': Math.round(Math.max(...revocations)),
      'experiments.assign_added_p50_ms': round(assign.added, 2),
      // Other work on the machine skews every figure above: the 1-minute load average at the start.
      'api.machine_loadavg_1m': round(loadBefore, 1),
    };
    console.log(JSON.stringify(figures, null, 2));
    const file = path.join(import.meta.dirname, 'results.json');
    const previous = JSON.parse(await readFile(file, 'utf8').catch(() => '{}')) as Record<string, unknown>;
    await writeFile(file, JSON.stringify({ ...previous, ...figures }, null, 2) + '\n');
    log(`Written to ${path.relative(process.cwd(), file)}`);
  } finally {
    if (server && server.exitCode === null) {
      const exited = new Promise((r) => server?.once('exit', r));
      server.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (server.exitCode === null) server.kill('SIGKILL');
    }
    await fake.close();
    await db.close();
  }
}

await main();

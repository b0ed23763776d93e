import { expect, test } from '@playwright/test';
import { startOwnRedisServer, type OwnRedisServer } from '../test/redis';
import { ApiKeysPage } from './support/api-keys-pages';
import { startStudioInstance, type StudioInstance } from './support/instances';
import {
  percentile,
  recreateScaleDatabase,
  runState,
  SCALE_DATABASE_URL,
  SCALE_PORTS,
  seedApiKeys,
  seedQueuedRun,
  seedTwoVersionPrompt,
} from './support/scale';

// Several studio instances behind one PostgreSQL and one Redis: two production instances (A, B)
// of the same build on their own ports, their own database (no other spec's server takes their
// jobs), a redis-server of this spec's own (it is stopped and started here: never the shared one)
// and a simulator each, so the test can count which instance paid for which LLM call.

// In order, in one worker (the instances are per worker); a failure does not skip the rest.
test.describe.configure({ mode: 'default', timeout: 240_000 });

let redis: OwnRedisServer;
let a: StudioInstance | undefined;
let b: StudioInstance | undefined;

const ADMIN = { LOOM_ADMIN_EMAIL: 'admin@scale.test', LOOM_ADMIN_PASSWORD: 'scale-admin-password' };
/** Requests per key and minute on both instances: small, so the shared limit is quick to reach. */
const RATE_LIMIT = 40;
/** Provider calls (execute) per key and minute on both instances. */
const EXECUTE_LIMIT = 6;

/** Starts A and B, or whichever of them a test stopped. */
async function ensureInstances(): Promise<[StudioInstance, StudioInstance]> {
  const env = {
    ...ADMIN,
    DATABASE_URL: SCALE_DATABASE_URL,
    REDIS_URL: redis.url,
    LOOM_API_RATE_LIMIT: String(RATE_LIMIT),
    LOOM_API_EXECUTE_RATE_LIMIT: String(EXECUTE_LIMIT),
  };
  // The simulator answers slowly enough that a run of 40 cases lasts a few seconds.
  a ??= await startStudioInstance({ name: 'A', port: SCALE_PORTS.a, env, llmLatencyMs: 200 });
  b ??= await startStudioInstance({ name: 'B', port: SCALE_PORTS.b, env, llmLatencyMs: 200 });
  return [a, b];
}

test.beforeAll(async () => {
  test.setTimeout(240_000);
  await recreateScaleDatabase();
  redis = await startOwnRedisServer();
  await ensureInstances();
});

test.afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await redis?.stop();
});

function api(instance: StudioInstance, secret: string, path: string, init: RequestInit = {}) {
  return fetch(`${instance.url}/api/v1${path}`, {
    ...init,
    headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json', ...init.headers },
  });
}

/** Hands out keys in turn, so a test's traffic stays far under each key's limit. */
function keyRing(secrets: string[]) {
  let next = 0;
  return () => secrets[next++ % secrets.length]!;
}

test('a label moved on A is what B serves: p99 stays within 100 ms over 200 promotes', async () => {
  const [a, b] = await ensureInstances();
  await seedTwoVersionPrompt('scale-promo');
  const key = keyRing(await seedApiKeys(50, ['prompts:read', 'prompts:write']));

  const served = async () => {
    const response = await api(b, key(), '/prompts/scale-promo?label=production');
    expect(response.status).toBe(200);
    return ((await response.json()) as { version: number }).version;
  };
  expect(await served()).toBe(1); // B caches version 1
  const latencies: number[] = [];
  for (let i = 0; i < 200; i++) {
    const target = i % 2 === 0 ? 2 : 1;
    const moved = await api(a, key(), '/prompts/scale-promo/labels/production', {
      method: 'PUT',
      body: JSON.stringify({ version: target }),
    });
    expect(moved.status).toBe(200);
    const movedAt = performance.now();
    while ((await served()) !== target) {
      if (performance.now() - movedAt > 5_000)
        throw new Error(`B still serves the old version after 5 s (promote ${i})`);
    }
    latencies.push(performance.now() - movedAt);
  }
  const p99 = percentile(latencies, 0.99);
  console.log(
    `promote on A → served by B: p50 ${percentile(latencies, 0.5).toFixed(1)} ms, p99 ${p99.toFixed(1)} ms`,
  );
  expect(p99).toBeLessThanOrEqual(100);
});

test('a rate limit of N a minute holds across both instances, not 2N', async () => {
  const [a, b] = await ensureInstances();
  const [secret] = await seedApiKeys(1, ['prompts:read']);
  const statuses: number[] = [];
  for (let i = 0; i < RATE_LIMIT * 2; i++) {
    const response = await api(i % 2 === 0 ? a : b, secret!, '/prompts');
    statuses.push(response.status);
    if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  expect(statuses.filter((s) => s === 200)).toHaveLength(RATE_LIMIT);
  expect(statuses.filter((s) => s === 429)).toHaveLength(RATE_LIMIT);
});

test('the provider-call limit of execute holds across both instances too', async () => {
  const [a, b] = await ensureInstances();
  await seedTwoVersionPrompt('scale-execute');
  const [secret] = await seedApiKeys(1, ['prompts:execute']);
  const statuses: number[] = [];
  for (let i = 0; i < EXECUTE_LIMIT * 2; i++) {
    const response = await api(i % 2 === 0 ? a : b, secret!, '/prompts/scale-execute/execute', {
      method: 'POST',
      body: JSON.stringify({ variables: {} }),
    });
    statuses.push(response.status);
    if (response.status === 429) expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
    await response.arrayBuffer();
  }
  expect(statuses.filter((s) => s === 200)).toHaveLength(EXECUTE_LIMIT);
  expect(statuses.filter((s) => s === 429)).toHaveLength(EXECUTE_LIMIT);
});

test('a key revoked in the browser on A is refused by B at once', async ({ page }) => {
  const [a, b] = await ensureInstances();
  await seedTwoVersionPrompt('scale-revoke');
  await page.goto(`${a.url}/sign-in`);
  await page.getByLabel('Email').fill(ADMIN.LOOM_ADMIN_EMAIL);
  await page.getByLabel('Password').fill(ADMIN.LOOM_ADMIN_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.getByTestId('user-name')).toBeVisible();
  const keys = new ApiKeysPage(page, a.url);
  await keys.goto();
  const secret = await keys.create('Revoked across instances');

  // B answers the key from its memory the whole time: only the invalidation can make it refuse.
  const answers: { at: number; status: number }[] = [];
  let isRunning = true;
  const traffic = (async () => {
    while (isRunning) {
      const response = await api(b, secret, '/prompts/scale-revoke?label=production');
      answers.push({ at: performance.now(), status: response.status });
      await response.arrayBuffer();
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  })();
  try {
    await expect.poll(() => answers.filter((r) => r.status === 200).length).toBeGreaterThan(5);
    await keys.revoke('Revoked across instances');
    const shownAt = performance.now();
    await expect.poll(() => answers.some((r) => r.status === 401), { timeout: 2_000 }).toBe(true);
    const firstRefusal = answers.find((r) => r.status === 401)!;
    console.log(
      `revoked on A → refused by B ${(firstRefusal.at - shownAt).toFixed(1)} ms after the page said so`,
    );
    expect(firstRefusal.at - shownAt).toBeLessThanOrEqual(1_000);
    // Once refused, never served again.
    expect(answers.slice(answers.indexOf(firstRefusal)).every((r) => r.status === 401)).toBe(true);
  } finally {
    isRunning = false;
    await traffic;
  }
});

test('stopping Redis mid-traffic fails no API request, health says degraded, and both recover', async () => {
  const [a, b] = await ensureInstances();
  await seedTwoVersionPrompt('scale-traffic');
  // Enough keys that the traffic stays under each key's limit, with Redis or without.
  const key = keyRing(await seedApiKeys(100, ['prompts:read']));
  const failures: string[] = [];
  let requests = 0;
  let isRunning = true;
  const traffic = Array.from({ length: 6 }, async (_, worker) => {
    while (isRunning) {
      const instance = worker % 2 === 0 ? a : b;
      requests++;
      try {
        const response = await api(instance, key(), '/prompts/scale-traffic?label=production');
        if (response.status !== 200) failures.push(`${instance.name}: HTTP ${response.status}`);
        await response.arrayBuffer();
      } catch (error) {
        failures.push(`${instance.name}: ${(error as Error).message}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  });
  const health = async (instance: StudioInstance) =>
    ((await (await fetch(`${instance.url}/api/health`)).json()) as { status: string }).status;
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await redis.stop();
    await expect.poll(() => health(a), { timeout: 10_000 }).toBe('degraded');
    await expect.poll(() => health(b), { timeout: 10_000 }).toBe('degraded');
    await new Promise((resolve) => setTimeout(resolve, 2_000));
    await redis.start();
    await expect.poll(() => health(a), { timeout: 15_000 }).toBe('ok');
    await expect.poll(() => health(b), { timeout: 15_000 }).toBe('ok');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  } finally {
    isRunning = false;
    await Promise.all(traffic);
  }
  expect(requests).toBeGreaterThan(100);
  expect(failures).toEqual([]);
});

test('killing the instance that runs a suite run lets the other finish it, paying once per finished case', async () => {
  const TOTAL = 40;
  const posts = (instance: StudioInstance) => instance.llm.requests.filter((r) => r.method === 'POST').length;
  // Earlier tests executed prompts on both instances: count only this run's calls.
  const before = new Map([a!, b!].map((instance) => [instance, posts(instance)]));
  const llmCalls = (instance: StudioInstance) => posts(instance) - before.get(instance)!;
  const { runId } = await seedQueuedRun(TOTAL);

  // Whichever instance's recovery sweep comes first takes the run.
  await expect
    .poll(async () => (await runState(runId)).results, { timeout: 60_000 })
    .toBeGreaterThanOrEqual(8);
  const runner = llmCalls(a!) > 0 ? a! : b!;
  const other = runner === a ? b! : a!;
  expect(llmCalls(other)).toBe(0);

  await runner.kill();
  const finishedAtKill = (await runState(runId)).results;
  expect(finishedAtKill).toBeLessThan(TOTAL);
  if (runner === a) a = undefined;
  else b = undefined;

  // The survivor sees the heartbeat go stale (30 s) and resumes the run at its next sweep.
  await expect
    .poll(async () => (await runState(runId)).status, { timeout: 120_000, intervals: [1_000] })
    .toMatch(/^completed/);
  expect((await runState(runId)).results).toBe(TOTAL);
  // Only the cases not finished at the kill were paid for again (those in flight, at most the concurrency).
  expect(llmCalls(other)).toBe(TOTAL - finishedAtKill);
});

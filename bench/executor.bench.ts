// What `execute` adds to an LLM call: the full path (render, retry, timeouts, rate limit, circuit
// breaker, a cache miss, metrics, cost, record hook) through the OpenAI adapter, against a direct
// `chat.completions.create` of the same SDK, both to the loopback fake server in this process.
// Calls alternate direct/execute in interleaved rounds so drift hits both sides alike; the figures
// are differences of matched percentiles. A long warm-up comes first: the SDK, undici and the
// executor run slower for the first few thousand calls while V8 tiers their code up, and a server
// lives in the steady state that follows.
// Young-generation GC pauses (5–10 ms each on this machine) land on about 1% of calls, on either
// side at random, which puts p99 right on the pause boundary where a few pauses more or less on
// one side swing it by milliseconds. So p99 compares the calls that no pause interrupted, and GC
// is reported on its own: the pause time that fell inside each side's calls, per call (the
// executor's allocations show there).
//   npx tsx bench/executor.bench.ts
import OpenAI from 'openai';
import { Module, createRequire } from 'node:module';
import { loadavg } from 'node:os';
import { PerformanceObserver } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { prompt, required, string } from '@/lib/loom/core';
import { createExecutor, type CallRecord } from '@/lib/loom/executor';
import {
  cache,
  chain,
  circuitBreaker,
  createMemoryMetricsSink,
  metrics,
  rateLimit,
} from '@/lib/loom/middleware';
import { createTemplateEngine } from '@/lib/loom/template';
import type { Completion, Provider } from '@/lib/loom/provider';

const ROUNDS = 20;
const CALLS_PER_ROUND = 200;
const WARMUP_CALLS = 3_000;
const MODEL = 'gpt-4o-mini';

interface Call {
  start: number;
  end: number;
}

/**
 * Sorted durations (µs) of all calls and of the calls no GC pause overlapped, and the pause time
 * that fell inside this side's calls, per call.
 */
function summarize(calls: Call[], pauses: { start: number; end: number }[]) {
  const all: number[] = [];
  const clean: number[] = [];
  let gcMs = 0;
  for (const call of calls) {
    let overlap = 0;
    for (const pause of pauses) {
      if (pause.start < call.end && pause.end > call.start)
        overlap += Math.min(pause.end, call.end) - Math.max(pause.start, call.start);
    }
    const us = (call.end - call.start) * 1000;
    all.push(us);
    if (overlap === 0) clean.push(us);
    gcMs += overlap;
  }
  all.sort((a, b) => a - b);
  clean.sort((a, b) => a - b);
  return { all, clean, gcUsPerCall: (gcMs * 1000) / calls.length };
}

function percentile(sorted: readonly number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/**
 * `server-only` throws unless resolved under React's server condition; a benchmark is a server
 * process, so it stands in an empty module before loading the adapters (plain `npx tsx` works).
 */
async function loadAdapters() {
  const require = createRequire(import.meta.url);
  const id = require.resolve('server-only');
  if (!require.cache[id]) {
    const stub = new Module(id);
    stub.filename = id;
    stub.loaded = true;
    require.cache[id] = stub;
  }
  const [{ createOpenAIProvider }, { startFakeLlmServer }] = await Promise.all([
    import('@/lib/adapters/openai'),
    import('@/lib/adapters/fake-llm'),
  ]);
  return { createOpenAIProvider, startFakeLlmServer };
}

export async function runExecutorBench(): Promise<Record<string, number>> {
  const { createOpenAIProvider, startFakeLlmServer } = await loadAdapters();
  const server = await startFakeLlmServer();
  try {
    const baseURL = `${server.url}/v1`;
    const client = new OpenAI({
      apiKey: 'sk-bench',
      baseURL,
      organization: null,
      project: null,
      maxRetries: 0,
    });
    const sink = createMemoryMetricsSink();
    const provider: Provider = chain(
      createOpenAIProvider({ apiKey: 'sk-bench', baseURL }),
      metrics({ sink }),
      circuitBreaker({ failureThreshold: 0.5, minRequests: 20, cooldownMs: 5_000 }),
      rateLimit({ capacity: 1_000_000, refillPerSec: 1_000_000, mode: 'reject' }),
      cache({ max: 1_000, ttlMs: 60_000 }),
    );
    const greeting = prompt('bench-greeting')
      .user('Say hello to caller {{ n }}')
      .variable('n', string(required()))
      .model({ provider: 'openai', model: MODEL })
      .build(createTemplateEngine());
    let records = 0;
    const onRecord = (_record: CallRecord) => void records++;

    // Unique content per call: the cache always misses and both sides send equally long bodies.
    const direct = (n: number) =>
      client.chat.completions.create({
        model: MODEL,
        messages: [{ role: 'user', content: `Say hello to caller ${n}` }],
      });
    // Built once, as the composition root does: policies are validated here, not per call.
    const executor = createExecutor({
      provider,
      retry: { attempts: 3, baseMs: 100, maxMs: 2_000 },
      timeout: { attemptMs: 10_000, totalMs: 30_000 },
      onRecord,
    });
    const viaExecute = (n: number) => executor.execute({ prompt: greeting, input: { n: String(n) } });

    let n = 0;
    for (let i = 0; i < WARMUP_CALLS; i++) {
      await direct(n++);
      await viaExecute(n++);
    }

    const pauses: { start: number; end: number }[] = [];
    const gcObserver = new PerformanceObserver((list) => {
      for (const entry of list.getEntries())
        pauses.push({ start: entry.startTime, end: entry.startTime + entry.duration });
    });
    gcObserver.observe({ entryTypes: ['gc'] });
    const calls: Record<'direct' | 'execute', Call[]> = { direct: [], execute: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (let i = 0; i < CALLS_PER_ROUND; i++) {
        // Alternate which side goes first so neither always runs on a just-warmed connection.
        const order =
          (round + i) % 2 === 0 ? (['direct', 'execute'] as const) : (['execute', 'direct'] as const);
        for (const side of order) {
          const start = performance.now();
          if (side === 'direct') await direct(n++);
          else await viaExecute(n++);
          calls[side].push({ start, end: performance.now() });
        }
      }
    }
    await new Promise((resolve) => setImmediate(resolve)); // the observer reports asynchronously
    gcObserver.disconnect();
    const directSide = summarize(calls.direct, pauses);
    const executeSide = summarize(calls.execute, pauses);

    // The same stack over an in-memory provider: the executor's own cost without network noise.
    const answer: Completion = {
      text: 'ok',
      usage: { inputTokens: 5, outputTokens: 1 },
      finishReason: 'stop',
      model: MODEL,
    };
    const instant: Provider = {
      name: 'instant',
      complete: async () => answer,
      stream: async function* () {
        yield { type: 'done', usage: answer.usage, finishReason: 'stop', model: MODEL };
      },
      getModelInfo: async (model) => ({ model, pricingKey: model, capabilities: { streaming: true } }),
      listModels: async () => [],
    };
    const inMemory = createExecutor({
      provider: chain(
        instant,
        metrics({ sink }),
        circuitBreaker({ failureThreshold: 0.5, minRequests: 20, cooldownMs: 5_000 }),
        rateLimit({ capacity: 1_000_000, refillPerSec: 1_000_000, mode: 'reject' }),
        cache({ max: 1_000, ttlMs: 60_000 }),
      ),
      retry: { attempts: 3, baseMs: 100, maxMs: 2_000 },
      timeout: { attemptMs: 10_000, totalMs: 30_000 },
      onRecord,
    });
    const bareUs: number[] = [];
    const stackUs: number[] = [];
    for (let i = 0; i < WARMUP_CALLS + ROUNDS * CALLS_PER_ROUND; i++) {
      let started = performance.now();
      await instant.complete({
        model: MODEL,
        messages: [{ role: 'user', content: `Say hello to caller ${n++}` }],
      });
      bareUs.push((performance.now() - started) * 1000);
      started = performance.now();
      await inMemory.execute({ prompt: greeting, input: { n: String(n++) } });
      stackUs.push((performance.now() - started) * 1000);
    }
    bareUs.sort((a, b) => a - b);
    stackUs.sort((a, b) => a - b);

    const expectedCalls = 2 * (WARMUP_CALLS + ROUNDS * CALLS_PER_ROUND);
    if (records !== expectedCalls) throw new Error(`expected ${expectedCalls} run records, saw ${records}`);

    const round1 = (value: number) => Math.round(value * 10) / 10;
    return {
      'executor.added_p50_us': round1(percentile(executeSide.all, 50) - percentile(directSide.all, 50)),
      'executor.added_p99_us': round1(percentile(executeSide.clean, 99) - percentile(directSide.clean, 99)),
      // For comparison: the same over every call, GC-interrupted ones included (swings by ±1 ms).
      'executor.added_p99_all_calls_us': round1(
        percentile(executeSide.all, 99) - percentile(directSide.all, 99),
      ),
      'executor.direct_p50_us': round1(percentile(directSide.all, 50)),
      'executor.direct_p99_us': round1(percentile(directSide.clean, 99)),
      'executor.execute_p50_us': round1(percentile(executeSide.all, 50)),
      'executor.execute_p99_us': round1(percentile(executeSide.clean, 99)),
      // Share of calls (%) that a GC pause interrupted, left out of the p99 comparison.
      'executor.gc_interrupted_pct': round1(
        (100 *
          (directSide.all.length -
            directSide.clean.length +
            executeSide.all.length -
            executeSide.clean.length)) /
          (directSide.all.length + executeSide.all.length),
      ),
      'executor.direct_gc_us_per_call': round1(directSide.gcUsPerCall),
      'executor.execute_gc_us_per_call': round1(executeSide.gcUsPerCall),
      'executor.in_memory_added_p50_us': round1(percentile(stackUs, 50) - percentile(bareUs, 50)),
      'executor.in_memory_added_p99_us': round1(percentile(stackUs, 99) - percentile(bareUs, 99)),
      // Context for the figures: this machine's run-queue length while measuring (2 cores).
      'machine.loadavg_1m': round1(loadavg()[0] ?? Number.NaN),
    };
  } finally {
    await server.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await runExecutorBench(), null, 2));
}

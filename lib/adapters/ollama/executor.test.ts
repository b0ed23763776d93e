import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomError, prompt, required, string } from '@/lib/loom/core';
import { createExecutor, type ExecuteStreamEvent, type CallRecord } from '@/lib/loom/executor';
import { cache, chain, circuitBreaker } from '@/lib/loom/middleware';
import { createTemplateEngine } from '@/lib/loom/template';
import { startFakeLlmServer, type FakeLlmServer } from '../fake-llm';
import { createOpenAIProvider } from '../openai';
import { createOllamaProvider } from './index';

// The executor, middleware and both real adapters together, against the fake server's faults.
let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(async () => {
  await server.close();
});

const greeting = (model: string) =>
  prompt('greeting')
    .system('Be brief.')
    .user('Greet {{ name }}')
    .variable('name', string(required()))
    .model({ model })
    .build(createTemplateEngine());

describe('executor over the real adapters', () => {
  it('retries a 429 after its Retry-After and records one successful run', async () => {
    server.addRule({ content: 'Greet Retry', fault: { kind: 'rate-limit', retryAfterSec: 0.05 }, times: 1 });
    const records: CallRecord[] = [];
    const sleeps: number[] = [];
    const executor = createExecutor({
      provider: createOpenAIProvider({ apiKey: 'sk-test', baseURL: `${server.url}/v1` }),
      onRecord: (r) => void records.push(r),
      sleep: async (ms) => void sleeps.push(ms),
    });
    const result = await executor.execute({ prompt: greeting('gpt-4o-mini'), input: { name: 'Retry' } });
    expect(result).toMatchObject({ output: 'Simulated reply to: Greet Retry', attempts: 2 });
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(result.costMicros).toBeGreaterThan(0);
    expect(records).toMatchObject([{ success: true, attempts: 2, provider: 'openai', model: 'gpt-4o-mini' }]);
  });

  it('streams through Ollama and never retries a stream dropped after text was shown', async () => {
    server.addRule({ content: 'Greet Drop', fault: { kind: 'drop-connection', afterChunks: 2 }, times: 1 });
    const executor = createExecutor({ provider: createOllamaProvider({ host: server.url }) });
    const seen: ExecuteStreamEvent[] = [];
    const before = server.requests.length;
    const error = await (async () => {
      for await (const event of executor.executeStream({
        prompt: greeting('llama3.2'),
        input: { name: 'Drop' },
      })) {
        seen.push(event);
      }
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LoomError);
    expect((error as LoomError).code).toBe('UNAVAILABLE');
    expect(seen.map((e) => e.type)).toEqual(['delta', 'delta']);
    expect(server.requests.length - before).toBeLessThanOrEqual(1);
  });

  it('opens the circuit on a failing backend and serves repeats from the cache', async () => {
    const provider = chain(
      createOllamaProvider({ host: server.url }),
      // Cache outermost: answers it holds stay available while the circuit is open.
      cache({ max: 10, ttlMs: 60_000 }),
      circuitBreaker({ failureThreshold: 0.5, minRequests: 2, cooldownMs: 60_000 }),
    );
    const executor = createExecutor({ provider, retry: { attempts: 1 } });
    const first = await executor.execute({ prompt: greeting('llama3.2'), input: { name: 'Cached' } });
    server.addRule({ content: 'Greet Down', fault: { kind: 'status', status: 503 }, times: 2 });
    for (let i = 0; i < 2; i++) {
      await executor
        .execute({ prompt: greeting('llama3.2'), input: { name: 'Down' } })
        .catch(() => undefined);
    }
    const open = await executor
      .execute({ prompt: greeting('llama3.2'), input: { name: 'Other' } })
      .catch((e: unknown) => e);
    expect((open as LoomError).code).toBe('CIRCUIT_OPEN');
    const again = await executor.execute({ prompt: greeting('llama3.2'), input: { name: 'Cached' } });
    expect(again.output).toBe(first.output);
  });
});

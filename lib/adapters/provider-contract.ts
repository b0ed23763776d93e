import 'server-only';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LoomError } from '@/lib/loom/core';
import type { CompletionRequest, Provider, StreamEvent } from '@/lib/loom/provider';
import {
  FAKE_MOVED_PATH,
  FAKE_WEBSITE_PATH,
  startFakeLlmServer,
  type FakeFault,
  type FakeLlmServer,
} from './fake-llm';

export interface ProviderContractOptions {
  /** Builds the provider under test pointed at a fake server's root (`server.url`, or a path under it). */
  create(root: string): Provider;
  model: string;
  contextWindow: number;
}

const ask = (model: string, content: string, extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model,
  messages: [
    { role: 'system', content: 'Be brief.' },
    { role: 'user', content },
  ],
  ...extra,
});

async function failure(run: () => Promise<unknown>): Promise<LoomError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof LoomError)) throw new Error(`expected a LoomError, got ${String(error)}`);
  return error;
}

/** What a user reads: short, no markup from the upstream page, never the page itself. */
function expectReadable(error: LoomError) {
  expect(error.message).not.toMatch(/<[a-z!/]/i);
  expect(error.message).not.toContain('This is a website, not an API.');
  expect(error.message.length).toBeLessThan(400);
}

async function drain(stream: AsyncIterable<StreamEvent>, seen: StreamEvent[] = []): Promise<StreamEvent[]> {
  for await (const event of stream) seen.push(event);
  return seen;
}

/**
 * The behaviour every real Provider adapter must show, exercised through its real SDK against the
 * loopback fake server: answers, streams, model listing, error mapping, cancellation, dropped links.
 */
export function describeProviderContract(label: string, options: ProviderContractOptions): void {
  describe(`${label} provider contract`, () => {
    let server: FakeLlmServer;
    let provider: Provider;
    const { model } = options;
    const fault = (content: string, spec: FakeFault) => server.addRule({ content, fault: spec, times: 1 });

    beforeAll(async () => {
      server = await startFakeLlmServer();
      provider = options.create(server.url);
    });
    afterAll(async () => {
      await server.close();
    });

    it('completes with text, usage and finish reason', async () => {
      const completion = await provider.complete(ask(model, 'hello contract world'));
      expect(completion).toMatchObject({
        text: 'Simulated reply to: hello contract world',
        usage: { inputTokens: 5, outputTokens: 6 },
        finishReason: 'stop',
        model,
      });
    });

    it('reports truncation at maxTokens as finish reason length', async () => {
      const completion = await provider.complete(ask(model, 'one two three', { maxTokens: 2 }));
      expect(completion).toMatchObject({
        text: 'Simulated reply',
        finishReason: 'length',
        usage: { outputTokens: 2 },
      });
    });

    it('streams deltas then exactly one done with usage', async () => {
      const events = await drain(provider.stream(ask(model, 'stream me please')));
      const deltas = events.filter((e) => e.type === 'delta');
      expect(deltas.length).toBeGreaterThan(1);
      expect(deltas.map((e) => e.text).join('')).toBe('Simulated reply to: stream me please');
      expect(events.filter((e) => e.type === 'done')).toHaveLength(1);
      expect(events.at(-1)).toEqual({
        type: 'done',
        usage: { inputTokens: 5, outputTokens: 6 },
        finishReason: 'stop',
        model,
      });
    });

    it('lists the served models', async () => {
      const ids = (await provider.listModels()).map((m) => m.id);
      expect(ids).toEqual(expect.arrayContaining(['gpt-4o-mini', 'llama3.2']));
    });

    it('describes a known model', async () => {
      const info = await provider.getModelInfo(model);
      expect(info).toMatchObject({
        model,
        contextWindow: options.contextWindow,
        capabilities: { streaming: true },
      });
      expect(info.pricingKey).toBeTruthy();
    });

    it('rejects an invalid request before sending it', async () => {
      const before = server.requests.length;
      const error = await failure(() => provider.complete({ model, messages: [] }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.details.issues?.[0]?.path).toBe('messages');
      expect(server.requests.length).toBe(before);
    });

    it('maps 429 to RATE_LIMITED with the Retry-After', async () => {
      fault('fault-429', { kind: 'rate-limit', retryAfterSec: 2 });
      const error = await failure(() => provider.complete(ask(model, 'fault-429')));
      expect(error.code).toBe('RATE_LIMITED');
      expect(error.details.retryAfterMs).toBe(2000);
    });

    it.each([
      [{ kind: 'status', status: 401, message: 'invalid api key' }, 'AUTHENTICATION'],
      [{ kind: 'status', status: 403, message: 'forbidden' }, 'AUTHENTICATION'],
      [
        {
          kind: 'status',
          status: 400,
          message: 'maximum context length exceeded',
          code: 'context_length_exceeded',
        },
        'CONTEXT_LENGTH',
      ],
      [{ kind: 'status', status: 400, message: 'bad temperature' }, 'INVALID_INPUT'],
      [{ kind: 'status', status: 408, message: 'request timeout' }, 'TIMEOUT'],
      [{ kind: 'status', status: 504, message: 'gateway timeout' }, 'TIMEOUT'],
      [{ kind: 'status', status: 500, message: 'boom' }, 'UNAVAILABLE'],
      [{ kind: 'status', status: 502, message: 'bad gateway' }, 'UNAVAILABLE'],
      [{ kind: 'status', status: 503, message: 'overloaded' }, 'UNAVAILABLE'],
      [{ kind: 'malformed-chunk' }, 'PROVIDER_ERROR'],
      [{ kind: 'drop-connection' }, 'UNAVAILABLE'],
    ] satisfies [FakeFault, string][])('maps %j on complete to %s', async (spec, code) => {
      fault('fault-complete', spec);
      expect((await failure(() => provider.complete(ask(model, 'fault-complete')))).code).toBe(code);
    });

    it.each([
      [{ kind: 'html' }, /an HTML page titled "Welcome to Example Corp"/],
      [{ kind: 'empty' }, /empty answer|not JSON/],
    ] satisfies [FakeFault, RegExp][])(
      'reports a 200 carrying %j on complete as PROVIDER_ERROR, not as an empty answer',
      async (spec, message) => {
        fault('fault-not-api', spec);
        const error = await failure(() => provider.complete(ask(model, 'fault-not-api')));
        expect(error.code).toBe('PROVIDER_ERROR');
        expect(error.message).toMatch(message);
        expectReadable(error);
      },
    );

    it.each([[{ kind: 'html' }], [{ kind: 'empty' }]] satisfies [FakeFault][])(
      'reports a 200 stream carrying %j as PROVIDER_ERROR without a done event',
      async (spec) => {
        fault('fault-not-api-stream', spec);
        const seen: StreamEvent[] = [];
        const error = await failure(() => drain(provider.stream(ask(model, 'fault-not-api-stream')), seen));
        expect(error.code).toBe('PROVIDER_ERROR');
        expectReadable(error);
        expect(seen).toEqual([]);
      },
    );

    it('summarises an upstream error page or an overlong error instead of echoing it', async () => {
      fault('fault-page', { kind: 'html', status: 502 });
      const page = await failure(() => provider.complete(ask(model, 'fault-page')));
      expect(page.code).toBe('UNAVAILABLE');
      expectReadable(page);
      fault('fault-long', { kind: 'status', status: 500, message: `overloaded ${'x'.repeat(5_000)}` });
      const long = await failure(() => provider.complete(ask(model, 'fault-long')));
      expect(long.message).toContain('overloaded');
      expect(long.message.length).toBeLessThan(400);
    });

    it.each([FAKE_WEBSITE_PATH, FAKE_MOVED_PATH])(
      'lists no models from an address under %s that serves a website: PROVIDER_ERROR',
      async (path) => {
        const error = await failure(() => options.create(`${server.url}${path}`).listModels());
        expect(error.code).toBe('PROVIDER_ERROR');
        expect(error.message).toContain('an HTML page titled "Welcome to Example Corp"');
        expectReadable(error);
      },
    );

    it('maps an HTTP error on stream before any delta', async () => {
      fault('fault-stream-503', { kind: 'status', status: 503 });
      const seen: StreamEvent[] = [];
      const error = await failure(() => drain(provider.stream(ask(model, 'fault-stream-503')), seen));
      expect(error.code).toBe('UNAVAILABLE');
      expect(seen).toEqual([]);
    });

    it('reports a malformed chunk mid-stream as PROVIDER_ERROR', async () => {
      fault('fault-malformed', { kind: 'malformed-chunk', afterChunks: 2 });
      const seen: StreamEvent[] = [];
      const error = await failure(() => drain(provider.stream(ask(model, 'fault-malformed now')), seen));
      expect(error.code).toBe('PROVIDER_ERROR');
      expect(seen.filter((e) => e.type === 'done')).toEqual([]);
    });

    it('reports a connection dropped mid-stream as UNAVAILABLE after the deltas it got', async () => {
      fault('fault-drop', { kind: 'drop-connection', afterChunks: 2 });
      const seen: StreamEvent[] = [];
      const error = await failure(() => drain(provider.stream(ask(model, 'fault-drop now')), seen));
      expect(error.code).toBe('UNAVAILABLE');
      expect(seen.map((e) => e.type)).toEqual(['delta', 'delta']);
    });

    it('cancels a stream mid-way when the signal fires', async () => {
      server.addRule({ content: 'slow-stream', chunkDelayMs: 200, times: 1 });
      const controller = new AbortController();
      const seen: StreamEvent[] = [];
      const started = performance.now();
      const error = await failure(async () => {
        for await (const event of provider.stream(ask(model, 'slow-stream a b c d e'), {
          signal: controller.signal,
        })) {
          seen.push(event);
          controller.abort();
        }
      });
      expect(error.code).toBe('CANCELLED');
      expect(seen).toHaveLength(1);
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('cancels a pending completion when the signal fires', async () => {
      server.addRule({ content: 'slow-complete', latencyMs: 5_000, times: 1 });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 30);
      const started = performance.now();
      const error = await failure(() =>
        provider.complete(ask(model, 'slow-complete'), { signal: controller.signal }),
      );
      expect(error.code).toBe('CANCELLED');
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('gives up with TIMEOUT when the call outlasts its timeoutMs', async () => {
      server.addRule({ content: 'slow-timeout', latencyMs: 5_000, times: 1 });
      const started = performance.now();
      const error = await failure(() => provider.complete(ask(model, 'slow-timeout'), { timeoutMs: 50 }));
      expect(error.code).toBe('TIMEOUT');
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('ends a stream with TIMEOUT when its body outlasts timeoutMs', async () => {
      server.addRule({ content: 'slow-body', chunkDelayMs: 200, times: 1 });
      const seen: StreamEvent[] = [];
      const started = performance.now();
      const error = await failure(() =>
        drain(provider.stream(ask(model, 'slow-body a b c d e f g h'), { timeoutMs: 300 }), seen),
      );
      expect(error.code).toBe('TIMEOUT');
      expect(seen.every((event) => event.type === 'delta')).toBe(true);
      expect(performance.now() - started).toBeLessThan(1_000);
    });

    it('rejects a timeoutMs that is not a duration before sending anything', async () => {
      const before = server.requests.length;
      const error = await failure(() => provider.complete(ask(model, 'hi'), { timeoutMs: -1 }));
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.details.issues?.[0]?.path).toBe('timeoutMs');
      expect(server.requests.length).toBe(before);
    });

    it('stays usable after a consumer abandons a stream', async () => {
      server.addRule({ content: 'abandon', chunkDelayMs: 100, times: 1 });
      for await (const event of provider.stream(ask(model, 'abandon a b c d'))) {
        expect(event.type).toBe('delta');
        break;
      }
      expect((await provider.complete(ask(model, 'after'))).text).toBe('Simulated reply to: after');
    });

    it('reports an unreachable server as UNAVAILABLE', async () => {
      const closed = await startFakeLlmServer();
      const unreachable = options.create(closed.url);
      await closed.close();
      expect((await failure(() => unreachable.complete(ask(model, 'anyone?')))).code).toBe('UNAVAILABLE');
    });
  });
}

import { describe, expect, it } from 'vitest';
import { LoomError } from '@/lib/loom/core';
import { startFakeLlmServer } from '../fake-llm';
import { describeProviderContract } from '../provider-contract';
import { createOpenAIProvider } from './index';

describeProviderContract('OpenAI', {
  create: (root) => createOpenAIProvider({ apiKey: 'sk-test', baseURL: `${root}/v1` }),
  model: 'gpt-4o-mini',
  contextWindow: 128_000,
});

describe('OpenAI adapter', () => {
  it('turns its own request timeout into TIMEOUT', async () => {
    const server = await startFakeLlmServer({ script: { latencyMs: 2_000 } });
    try {
      const provider = createOpenAIProvider({
        apiKey: 'sk-test',
        baseURL: `${server.url}/v1`,
        timeoutMs: 50,
      });
      const error = await provider
        .complete({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoomError);
      expect((error as LoomError).code).toBe('TIMEOUT');
    } finally {
      await server.close();
    }
  });

  it('sends max_tokens and json mode to compatible servers', async () => {
    const server = await startFakeLlmServer();
    try {
      const provider = createOpenAIProvider({ apiKey: 'sk-test', baseURL: `${server.url}/v1` });
      await provider.complete({
        model: 'gpt-4o-mini',
        messages: [{ role: 'user', content: 'hi' }],
        maxTokens: 5,
        responseFormat: 'json',
        seed: 7,
      });
      expect(server.requests.at(-1)?.body).toMatchObject({
        max_tokens: 5,
        response_format: { type: 'json_object' },
        seed: 7,
      });
    } finally {
      await server.close();
    }
  });

  it('rejects missing credentials at construction', () => {
    expect(() => createOpenAIProvider({ apiKey: '' })).toThrow(LoomError);
  });
});

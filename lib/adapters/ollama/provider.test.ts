import { describe, expect, it } from 'vitest';
import { LoomError } from '@/lib/loom/core';
import { startFakeLlmServer } from '../fake-llm';
import { describeProviderContract } from '../provider-contract';
import { createOllamaProvider } from './index';

describeProviderContract('Ollama', {
  create: (root) => createOllamaProvider({ host: root }),
  model: 'llama3.2',
  contextWindow: 131_072,
});

describe('Ollama adapter', () => {
  it('throws NOT_FOUND for a model the server does not have', async () => {
    const server = await startFakeLlmServer();
    try {
      const error = await createOllamaProvider({ host: server.url })
        .getModelInfo('no-such-model')
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LoomError);
      expect((error as LoomError).code).toBe('NOT_FOUND');
    } finally {
      await server.close();
    }
  });

  it('passes sampling options and json format in Ollama terms', async () => {
    const server = await startFakeLlmServer();
    try {
      await createOllamaProvider({ host: server.url }).complete({
        model: 'llama3.2',
        messages: [{ role: 'user', content: 'hi' }],
        temperature: 0.3,
        maxTokens: 9,
        stop: ['END'],
        responseFormat: 'json',
      });
      expect(server.requests.at(-1)?.body).toMatchObject({
        stream: false,
        format: 'json',
        options: { temperature: 0.3, num_predict: 9, stop: ['END'] },
      });
    } finally {
      await server.close();
    }
  });
});

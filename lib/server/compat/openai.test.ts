// The OpenAI wire mappers: model references, request settings and the chunk sequence.
import { describe, expect, it } from 'vitest';
import type { ExecuteResult } from '@/lib/loom/executor';
import { chatCompletionRequestSchema, chunkWriter, overridesOf, parseModelRef } from './openai';

describe('parseModelRef', () => {
  it('reads a prompt id with an optional label or version', () => {
    expect(parseModelRef('support-reply')).toEqual({ promptId: 'support-reply' });
    expect(parseModelRef('support-reply@staging')).toEqual({ promptId: 'support-reply', label: 'staging' });
    expect(parseModelRef('support-reply@v3')).toEqual({ promptId: 'support-reply', version: 3 });
    // "v0" and "version-2" are labels, not versions; the registry says whether they exist.
    expect(parseModelRef('p@v0')).toEqual({ promptId: 'p', label: 'v0' });
    expect(parseModelRef('p@version-2')).toEqual({ promptId: 'p', label: 'version-2' });
    expect(parseModelRef('@v1')).toEqual({ promptId: '@v1' });
  });
});

describe('overridesOf', () => {
  it("maps OpenAI's settings onto the executor's, leaving unset ones to the prompt", () => {
    const request = chatCompletionRequestSchema.parse({
      model: 'p',
      temperature: 0,
      max_tokens: 10,
      max_completion_tokens: 20,
      stop: 'END',
      top_p: null,
      response_format: { type: 'json_object' },
    });
    expect(overridesOf(request)).toEqual({
      temperature: 0,
      maxTokens: 20,
      stop: ['END'],
      responseFormat: 'json',
    });
    expect(overridesOf(chatCompletionRequestSchema.parse({ model: 'p' }))).toEqual({});
  });
});

describe('chunkWriter', () => {
  const result = {
    output: 'Hi',
    usage: { inputTokens: 4, outputTokens: 1 },
    finishReason: 'other',
    model: 'gpt-4o-mini-2024',
  } as ExecuteResult;
  const served = { promptId: 'p', version: 2 };

  it('streams a role chunk, deltas, a finish chunk and (when asked) a usage chunk with no choices', () => {
    const chunks = chunkWriter({ id: 'chatcmpl-1', created: 7 }, 'gpt-4o-mini', true);
    expect(chunks.start()).toMatchObject({
      id: 'chatcmpl-1',
      object: 'chat.completion.chunk',
      created: 7,
      usage: null,
      choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }],
    });
    expect(chunks.delta('Hi').choices).toEqual([
      { index: 0, delta: { content: 'Hi' }, logprobs: null, finish_reason: null },
    ]);
    const [finish, usage] = chunks.finish(result, served);
    expect(finish).toMatchObject({
      model: 'gpt-4o-mini-2024',
      choices: [{ delta: {}, finish_reason: 'stop' }],
      loom: served,
    });
    expect(usage).toMatchObject({
      choices: [],
      usage: { prompt_tokens: 4, completion_tokens: 1, total_tokens: 5 },
    });
  });

  it('leaves usage out entirely unless include_usage was asked', () => {
    const chunks = chunkWriter({ id: 'chatcmpl-1', created: 7 }, 'm', false);
    expect(chunks.start()).not.toHaveProperty('usage');
    expect(chunks.finish(result, served)).toHaveLength(1);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from './index';

let server: FakeLlmServer;
beforeAll(async () => {
  server = await startFakeLlmServer();
});
afterAll(async () => {
  await server.close();
});

const chat = (body: Record<string, unknown>) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: 'POST',
    body: JSON.stringify({ model: 'gpt-4o-mini', ...body }),
  });
const ask = (content: string, extra: Record<string, unknown> = {}) =>
  chat({ messages: [{ role: 'user', content }], ...extra });

describe('fake LLM server', () => {
  it('answers deterministically with word-count usage', async () => {
    const body = await (await ask('what is two plus two')).json();
    expect(body.choices[0].message.content).toBe('Simulated reply to: what is two plus two');
    expect(body.usage).toEqual({ prompt_tokens: 5, completion_tokens: 8, total_tokens: 13 });
    expect(server.requests.at(-1)).toMatchObject({
      method: 'POST',
      path: '/v1/chat/completions',
      status: 200,
    });
  });

  it('truncates at max_tokens with finish_reason length', async () => {
    const body = await (await ask('a b c d e f', { max_tokens: 3 })).json();
    expect(body.choices[0]).toMatchObject({
      message: { content: 'Simulated reply to:' },
      finish_reason: 'length',
    });
  });

  it('applies rules by model and content, and consumes limited ones', async () => {
    server.setScript({
      rules: [
        { content: /grade/, judge: { score: 0.9, reason: 'close enough' } },
        { model: 'gpt-4o', reply: 'big model', times: 1 },
      ],
    });
    expect((await (await ask('please grade this')).json()).choices[0].message.content).toBe(
      'SCORE: 0.9\nPASS\nREASON: close enough',
    );
    const big = () =>
      chat({ model: 'gpt-4o', messages: [{ role: 'user', content: 'x' }] }).then((r) => r.json());
    expect((await big()).choices[0].message.content).toBe('big model');
    expect((await big()).choices[0].message.content).toBe('Simulated reply to: x');
    server.setScript({});
  });

  it('injects HTTP faults for the next N calls in each dialect', async () => {
    server.addRule({ fault: { kind: 'rate-limit', retryAfterSec: 2 }, times: 2 });
    const limited = await ask('x');
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('2');
    expect((await limited.json()).error.code).toBe('rate_limit_exceeded');
    const ollama = await fetch(`${server.url}/api/chat`, {
      method: 'POST',
      body: JSON.stringify({ model: 'llama3.2', messages: [{ role: 'user', content: 'x' }], stream: false }),
    });
    expect(ollama.status).toBe(429);
    expect(await ollama.json()).toEqual({ error: 'simulated 429' });
    expect((await ask('x')).status).toBe(200);
  });

  it('answers Ollama show, tags and root', async () => {
    const show = await fetch(`${server.url}/api/show`, {
      method: 'POST',
      body: JSON.stringify({ model: 'qwen2.5:7b' }),
    });
    expect((await show.json()).model_info).toMatchObject({ 'qwen2.context_length': 32768 });
    const missing = await fetch(`${server.url}/api/show`, {
      method: 'POST',
      body: JSON.stringify({ model: 'nope' }),
    });
    expect(missing.status).toBe(404);
    const tags = await (await fetch(`${server.url}/api/tags`)).json();
    expect(tags.models.map((m: { name: string }) => m.name)).toContain('llama3.2');
    expect(await (await fetch(server.url)).text()).toBe('Ollama is running');
  });

  it('rejects bodies that are not JSON', async () => {
    const response = await fetch(`${server.url}/v1/chat/completions`, { method: 'POST', body: '{oops' });
    expect(response.status).toBe(400);
  });
});

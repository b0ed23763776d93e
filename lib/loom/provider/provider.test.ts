import { describe, expect, it } from 'vitest';
import { LoomError } from '../core';
import {
  completionRequestSchema,
  errorFromHttp,
  normalizeProviderError,
  parseCompletionRequest,
  parseRetryAfterMs,
} from './index';

const headers = (entries: Record<string, string>) => new Headers(entries);

describe('errorFromHttp', () => {
  it.each([
    [429, '', 'RATE_LIMITED'],
    [401, '', 'AUTHENTICATION'],
    [403, '', 'AUTHENTICATION'],
    [400, 'context_length_exceeded', 'CONTEXT_LENGTH'],
    [400, 'content_filter', 'CONTENT_FILTERED'],
    [400, 'invalid_request_error', 'INVALID_INPUT'],
    [404, '', 'NOT_FOUND'],
    [408, '', 'TIMEOUT'],
    [504, '', 'TIMEOUT'],
    [500, '', 'UNAVAILABLE'],
    [502, '', 'UNAVAILABLE'],
    [503, '', 'UNAVAILABLE'],
    [418, '', 'PROVIDER_ERROR'],
  ])('maps status %i (%s) to %s', (status, errorCode, code) => {
    const error = errorFromHttp({ provider: 'p', status, message: 'boom', errorCode });
    expect(error.code).toBe(code);
    expect(error.details).toMatchObject({ provider: 'p', status });
  });

  it('keeps retryAfterMs on rate limits', () => {
    const error = errorFromHttp({ provider: 'p', status: 429, message: 'slow', retryAfterMs: 2000 });
    expect(error.details.retryAfterMs).toBe(2000);
    expect(error.isRetryable).toBe(true);
  });

  it('detects context overflow from the message alone', () => {
    expect(
      errorFromHttp({ provider: 'p', status: 400, message: "This model's maximum context length is 8192" })
        .code,
    ).toBe('CONTEXT_LENGTH');
  });
});

describe('parseRetryAfterMs', () => {
  it('reads seconds, milliseconds and HTTP dates', () => {
    expect(parseRetryAfterMs(headers({ 'retry-after': '2' }))).toBe(2000);
    expect(parseRetryAfterMs(headers({ 'retry-after-ms': '150', 'retry-after': '9' }))).toBe(150);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfterMs(headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:05 GMT' }), now)).toBe(5000);
    expect(parseRetryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(parseRetryAfterMs(headers({}))).toBeUndefined();
  });
});

describe('parseCompletionRequest', () => {
  it('accepts a minimal request', () => {
    const request = parseCompletionRequest({ model: 'm', messages: [{ role: 'user', content: 'hi' }] });
    expect(request.model).toBe('m');
  });

  it('names every invalid field', () => {
    let error: unknown;
    try {
      parseCompletionRequest({ model: '', messages: [{ role: 'robot', content: 'hi' }], temperature: 3 });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LoomError);
    const paths = (error as LoomError).details.issues?.map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['model', 'messages.0.role', 'temperature']));
  });
});

describe('normalizeProviderError', () => {
  it('turns a fired signal into CANCELLED whatever was thrown', () => {
    const controller = new AbortController();
    controller.abort();
    expect(normalizeProviderError(new TypeError('terminated'), 'p', controller.signal).code).toBe(
      'CANCELLED',
    );
  });

  it('passes LoomErrors through and wraps the rest', () => {
    const original = new LoomError('TIMEOUT', 'slow');
    expect(normalizeProviderError(original, 'p')).toBe(original);
    expect(normalizeProviderError(new Error('weird'), 'p').code).toBe('PROVIDER_ERROR');
  });
});

describe('parseCompletionRequest agrees with the schema', () => {
  const base = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  it.each([
    base,
    {
      ...base,
      temperature: 0,
      maxTokens: 1,
      topP: 1,
      stop: ['x'],
      responseFormat: 'json',
      seed: -3,
      user: 'u',
    },
    { ...base, metadata: { a: 'b' } },
    { ...base, model: '' },
    { ...base, messages: [] },
    { ...base, messages: [{ role: 'tool', content: 'x' }] },
    { ...base, messages: [{ role: 'user' }] },
    { ...base, temperature: 2.5 },
    { ...base, temperature: Number.NaN },
    { ...base, maxTokens: 1.5 },
    { ...base, maxTokens: 0 },
    { ...base, topP: -0.1 },
    { ...base, stop: ['a', 'b', 'c', 'd', 'e'] },
    { ...base, stop: [''] },
    { ...base, responseFormat: 'xml' },
    { ...base, seed: 0.5 },
    { ...base, user: 'u'.repeat(257) },
    { ...base, metadata: { a: 1 } },
    { ...base, temperature: null },
  ])('%j', (candidate) => {
    const expected = completionRequestSchema.safeParse(candidate).success;
    let accepted = true;
    try {
      parseCompletionRequest(candidate);
    } catch {
      accepted = false;
    }
    expect(accepted).toBe(expected);
  });
});

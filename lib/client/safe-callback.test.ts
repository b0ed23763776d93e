import { describe, expect, it } from 'vitest';
import { resolveSameOrigin, safeCallbackUrl } from './safe-callback';

const ORIGIN = 'http://127.0.0.1:3000';

describe('safeCallbackUrl', () => {
  it.each([
    ['/settings/members?x=1', '/settings/members?x=1'],
    ['/prompts/a#history', '/prompts/a#history'],
    [`${ORIGIN}/prompts`, '/prompts'],
    ['/%2F%2Fevil.example', '/%2F%2Fevil.example'],
  ])('keeps the same-origin %j as %j', (value, expected) => {
    expect(safeCallbackUrl(value, ORIGIN)).toBe(expected);
  });

  it.each([
    // What `?callbackUrl=/%09/evil.example/x` and its cousins decode to.
    '/\t/evil.example/x',
    '/\n/evil.example/x',
    '/\r\n/evil.example/x',
    '\t//evil.example',
    '  //evil.example',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    '\\/evil.example',
    '/.//evil.example',
    'https://evil.example',
    'https:evil.example',
    'http://127.0.0.1:3001/',
    'javascript:alert(1)',
    'data:text/html,x',
    '',
    null,
    undefined,
  ])('sends %j home', (value) => {
    expect(safeCallbackUrl(value, ORIGIN)).toBe('/');
  });
});

describe('resolveSameOrigin', () => {
  it('resolves paths against the origin and refuses other hosts', () => {
    expect(resolveSameOrigin('/x?y=1', ORIGIN)?.href).toBe(`${ORIGIN}/x?y=1`);
    expect(resolveSameOrigin('/\t/evil.example/x', ORIGIN)).toBeUndefined();
    expect(resolveSameOrigin('http://evil.example/', ORIGIN)).toBeUndefined();
  });
});

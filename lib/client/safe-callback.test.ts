import { describe, expect, it } from 'vitest';
import { safeCallbackUrl } from './safe-callback';

describe('safeCallbackUrl', () => {
  it('keeps same-origin paths', () => {
    expect(safeCallbackUrl('/settings/members?x=1')).toBe('/settings/members?x=1');
  });
  it.each([
    'https://evil.example',
    '//evil.example',
    '/\\evil.example',
    'javascript:alert(1)',
    '',
    null,
    undefined,
  ])('sends %s home', (value) => {
    expect(safeCallbackUrl(value)).toBe('/');
  });
});

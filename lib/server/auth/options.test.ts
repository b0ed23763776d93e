import { describe, expect, it } from 'vitest';
import { getAuthOptions } from './options';

const BASE = 'http://127.0.0.1:3000';

describe("next-auth's redirect callback", () => {
  const redirect = (url: string) => getAuthOptions().callbacks?.redirect?.({ url, baseUrl: BASE });

  it('keeps same-origin targets', async () => {
    expect(await redirect('/settings/members')).toBe(`${BASE}/settings/members`);
    expect(await redirect(`${BASE}/prompts?q=1`)).toBe(`${BASE}/prompts?q=1`);
  });

  it.each([
    '/\t/evil.example/x',
    '/\n/evil.example/x',
    '//evil.example',
    '/\\evil.example',
    '\\\\evil.example',
    'https://evil.example/',
    'javascript:alert(1)',
  ])('sends %j to the studio instead', async (url) => {
    expect(await redirect(url)).toBe(BASE);
  });
});

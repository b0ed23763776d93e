// The cross-site guard of state-changing route handlers, with the headers real browsers send.
import { describe, expect, it } from 'vitest';

process.env.NEXTAUTH_URL = 'https://studio.example.com/';
const { refuseCrossSite } = await import('./same-origin');

const JSON_TYPE = { 'content-type': 'application/json' };

function post(headers: Record<string, string>, url = 'http://127.0.0.1:3000/api/prompts/preview') {
  return new Request(url, {
    method: 'POST',
    headers: { host: new URL(url).host, ...headers },
    body: new Blob(['{}']),
  });
}

async function refusal(request: Request) {
  const response = refuseCrossSite(request);
  return (
    response && { status: response.status, ...((await response.json()) as { code: string; message: string }) }
  );
}

describe('refuseCrossSite', () => {
  it('lets the studio’s own pages through', async () => {
    const ownPage = {
      ...JSON_TYPE,
      origin: 'http://127.0.0.1:3000',
      'sec-fetch-site': 'same-origin',
      cookie: 's=1',
    };
    expect(await refusal(post(ownPage))).toBeNull();
    expect(
      await refusal(
        post({
          ...JSON_TYPE,
          'content-type': 'application/json; charset=utf-8',
          origin: 'http://127.0.0.1:3000',
        }),
      ),
    ).toBeNull();
  });

  it('accepts the public URL and the forwarded host behind a proxy', async () => {
    const behindProxy = {
      'x-forwarded-host': 'studio.example.com',
      'x-forwarded-proto': 'https',
      cookie: 's=1',
    };
    expect(
      await refusal(post({ ...JSON_TYPE, ...behindProxy, origin: 'https://studio.example.com' })),
    ).toBeNull();
    expect(
      await refusal(post({ ...JSON_TYPE, origin: 'https://studio.example.com', cookie: 's=1' })),
    ).toBeNull();
    expect(
      await refusal(post({ ...JSON_TYPE, ...behindProxy, origin: 'http://studio.example.com' })),
    ).toMatchObject({ status: 403 });
  });

  it('refuses a cross-site form or text/plain post with the session cookie, naming the origin', async () => {
    const forged = {
      'content-type': 'text/plain',
      origin: 'https://evil.example',
      'sec-fetch-site': 'cross-site',
      cookie: 's=1',
    };
    expect(await refusal(post(forged))).toEqual({
      status: 403,
      code: 'FORBIDDEN',
      message: 'Refused: this request was sent by another site (https://evil.example).',
    });
    // Older browsers send no Sec-Fetch-Site: the Origin alone decides.
    expect(
      await refusal(post({ ...JSON_TYPE, origin: 'https://evil.example', cookie: 's=1' })),
    ).toMatchObject({
      status: 403,
      message: "Refused: this request was sent from https://evil.example, not from the studio's own pages.",
    });
    expect(await refusal(post({ ...JSON_TYPE, origin: 'null', cookie: 's=1' }))).toMatchObject({
      status: 403,
    });
    expect(await refusal(post({ ...JSON_TYPE, 'sec-fetch-site': 'same-site', cookie: 's=1' }))).toMatchObject(
      { status: 403 },
    );
  });

  it('refuses a request with a session cookie and no Origin, but not a cookie-less API client', async () => {
    expect(await refusal(post({ ...JSON_TYPE, cookie: 'next-auth.session-token=x' }))).toMatchObject({
      status: 403,
      message: expect.stringContaining('no Origin header'),
    });
    expect(await refusal(post({ ...JSON_TYPE, cookie: 's=1', 'sec-fetch-site': 'same-origin' }))).toBeNull();
    expect(await refusal(post(JSON_TYPE))).toBeNull();
  });

  it('refuses a same-origin body of another content type with 415', async () => {
    const own = { origin: 'http://127.0.0.1:3000', cookie: 's=1' };
    expect(await refusal(post({ ...own, 'content-type': 'text/plain;charset=UTF-8' }))).toEqual({
      status: 415,
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Send the request body as application/json (it was text/plain).',
    });
    expect(await refusal(post(own))).toMatchObject({
      status: 415,
      message: 'Send the request body as application/json (no content type was given).',
    });
  });
});

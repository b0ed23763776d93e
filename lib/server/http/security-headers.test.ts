// The security headers the proxy puts on every response (e2e/security-headers.spec.ts reads them
// from the running studio).
import { describe, expect, it } from 'vitest';
import { createNonce, isServedOverHttps, responseKind, securityHeaders } from './security-headers';

describe('securityHeaders', () => {
  it('tells pages, route handlers and files apart', () => {
    expect(['/', '/prompts/a/history', '/sign-in', '/no-such-page'].map(responseKind)).toEqual([
      'page',
      'page',
      'page',
      'page',
    ]);
    expect(responseKind('/api/health')).toBe('api');
    expect(['/_next/static/chunks/a.js', '/favicon.svg', '/_next/image'].map(responseKind)).toEqual([
      'asset',
      'asset',
      'asset',
    ]);
  });

  it('gives pages a nonce policy that lets Monaco run and nothing frame them', () => {
    const headers = securityHeaders({ kind: 'page', nonce: 'abc', isHttps: false, isDevelopment: false });
    const csp = headers['content-security-policy'];
    expect(csp).toContain("script-src 'self' 'nonce-abc'");
    expect(csp).not.toContain('unsafe-eval');
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("worker-src 'self' blob:");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(headers).toMatchObject({
      'x-content-type-options': 'nosniff',
      'referrer-policy': 'strict-origin-when-cross-origin',
    });
    expect(headers['strict-transport-security']).toBeUndefined();
  });

  it('locks route handlers down completely and adds HSTS only over HTTPS', () => {
    const headers = securityHeaders({ kind: 'api', isHttps: true, isDevelopment: false });
    expect(headers['content-security-policy']).toBe("default-src 'none'; frame-ancestors 'none'");
    expect(headers['strict-transport-security']).toBe('max-age=63072000');
  });

  it('allows eval in development only, for React’s dev tooling', () => {
    const csp = securityHeaders({ kind: 'page', nonce: 'n', isHttps: false, isDevelopment: true })[
      'content-security-policy'
    ];
    expect(csp).toContain("'unsafe-eval'");
  });

  it('knows HTTPS from the URL, a TLS proxy or the configured public URL', () => {
    const plain = new Request('http://127.0.0.1/');
    expect(isServedOverHttps(plain, undefined)).toBe(false);
    expect(isServedOverHttps(plain, 'http://studio.lan')).toBe(false);
    expect(isServedOverHttps(plain, 'https://studio.example.com')).toBe(true);
    expect(
      isServedOverHttps(
        new Request('http://127.0.0.1/', { headers: { 'x-forwarded-proto': 'https' } }),
        undefined,
      ),
    ).toBe(true);
    expect(isServedOverHttps(new Request('https://studio.example.com/'), undefined)).toBe(true);
  });

  it('draws a fresh 128-bit nonce each time', () => {
    const nonces = new Set(Array.from({ length: 100 }, createNonce));
    expect(nonces.size).toBe(100);
    expect(Buffer.from([...nonces][0] ?? '', 'base64')).toHaveLength(16);
  });
});

import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import {
  CLIENT_ADDRESS_HEADER,
  normalizeAddress,
  resolveClientAddress,
  stampClientAddresses,
} from './client-address';

describe('resolveClientAddress', () => {
  it('ignores X-Forwarded-For unless proxies are trusted', () => {
    expect(resolveClientAddress('192.0.2.1', '203.0.113.5', 0)).toBe('192.0.2.1');
  });

  it('takes the entry the outermost trusted proxy wrote, never one further left', () => {
    // client forged "6.6.6.6"; the proxy appended the real peer 203.0.113.5; the studio sees the proxy.
    expect(resolveClientAddress('10.0.0.2', '6.6.6.6, 203.0.113.5', 1)).toBe('203.0.113.5');
    expect(resolveClientAddress('10.0.0.2', ['6.6.6.6, 203.0.113.5', '10.0.0.1'], 2)).toBe('203.0.113.5');
  });

  it('falls back to the leftmost entry when fewer proxies answered than configured', () => {
    expect(resolveClientAddress('10.0.0.2', undefined, 1)).toBe('10.0.0.2');
  });

  it('refuses what is not an address', () => {
    expect(resolveClientAddress('10.0.0.2', 'evil, <script>', 1)).toBeUndefined();
    expect(resolveClientAddress(undefined, undefined, 0)).toBeUndefined();
  });
});

describe('normalizeAddress', () => {
  it.each([
    ['::ffff:192.0.2.1', '192.0.2.1'],
    ['192.0.2.1', '192.0.2.1'],
    ['2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64'],
    ['2001:DB8:1:2::99', '2001:db8:1:2::/64'],
    ['2001:db8::1', '2001:db8:0:0::/64'],
    ['::1', '0:0:0:0::/64'],
    ['fe80::1%eth0', 'fe80:0:0:0::/64'],
  ])('%s → %s', (input, expected) => {
    expect(normalizeAddress(input)).toBe(expected);
  });
});

describe('stampClientAddresses', () => {
  it('overwrites a forged header with the connection peer before any handler runs', async () => {
    stampClientAddresses(0);
    const server = http.createServer((req, res) => {
      res.end(String(req.headers[CLIENT_ADDRESS_HEADER]));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, {
        headers: { [CLIENT_ADDRESS_HEADER]: '6.6.6.6', 'x-forwarded-for': '6.6.6.7' },
      });
      expect(await res.text()).toBe('127.0.0.1');
    } finally {
      server.close();
    }
  });
});

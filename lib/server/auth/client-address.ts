import 'server-only';
import http from 'node:http';
import { isIP } from 'node:net';

/**
 * The header through which the server tells the app who is calling. It is written from the TCP
 * connection for every request (a copy sent by a client is overwritten), because App Router
 * handlers only see headers, and Next fills X-Forwarded-For from the socket only when the client
 * did not send one, so that header alone can be forged.
 */
export const CLIENT_ADDRESS_HEADER = 'x-loom-client-address';

/**
 * The client's address: the connection's peer, or, behind `trustedProxyHops` reverse proxies, the
 * address the outermost trusted proxy saw (each proxy appends its peer to X-Forwarded-For, so
 * entries further left were written by the client and are ignored).
 */
export function resolveClientAddress(
  remoteAddress: string | undefined,
  forwardedFor: string | string[] | undefined,
  trustedProxyHops: number,
): string | undefined {
  const forwarded = (Array.isArray(forwardedFor) ? forwardedFor.join(',') : (forwardedFor ?? ''))
    .split(',')
    .map((entry) => entry.trim())
    .filter(Boolean);
  const chain = trustedProxyHops > 0 ? [...forwarded, remoteAddress ?? ''] : [remoteAddress ?? ''];
  const entry = chain[Math.max(0, chain.length - 1 - trustedProxyHops)];
  return entry ? normalizeAddress(entry) : undefined;
}

/**
 * IPv4 as is (also when mapped into IPv6); IPv6 reduced to its /64 network, the block one
 * customer usually gets, so rotating through it does not yield fresh throttle buckets.
 */
export function normalizeAddress(address: string): string | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped?.[1]) return mapped[1];
  const version = isIP(address);
  if (version === 4) return address;
  if (version !== 6) return undefined;
  const [head = '', tail = ''] = (address.toLowerCase().split('%')[0] ?? '').split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  return `${groups
    .slice(0, 4)
    .map((g) => g.replace(/^0+(?=.)/, ''))
    .join(':')}::/64`;
}

const INSTALLED = Symbol.for('loom.clientAddressHeader');

/**
 * Makes every HTTP server in this process stamp CLIENT_ADDRESS_HEADER on incoming requests
 * before Next sees them. Installed once at boot (instrumentation), ahead of the first request.
 */
export function stampClientAddresses(trustedProxyHops: number): void {
  const proto = http.Server.prototype as unknown as Record<PropertyKey, unknown> & {
    emit: (event: string | symbol, ...args: unknown[]) => boolean;
  };
  if (proto[INSTALLED]) return;
  const emit = proto.emit;
  proto.emit = function (this: http.Server, event: string | symbol, ...args: unknown[]) {
    if (event === 'request') {
      const req = args[0] as http.IncomingMessage;
      const address = resolveClientAddress(
        req.socket.remoteAddress,
        req.headers['x-forwarded-for'],
        trustedProxyHops,
      );
      if (address) req.headers[CLIENT_ADDRESS_HEADER] = address;
      else delete req.headers[CLIENT_ADDRESS_HEADER];
    }
    return emit.call(this, event, ...args);
  };
  proto[INSTALLED] = true;
}

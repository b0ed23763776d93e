import 'server-only';
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Readable } from 'node:stream';
import { LoomError } from '@/lib/loom/core';

// Outbound requests to admin-configured provider addresses. An admin types the URL, so it must not
// become a way to reach the studio's own network: loopback, private and link-local ranges (cloud
// metadata services live at 169.254.169.254) are refused unless the operator allow-lists them.
// The check runs on the addresses a name RESOLVES to, inside the connection's own lookup, so the
// socket connects to exactly the address that was checked (no DNS-rebinding window); redirects go
// through the same check hop by hop.

/** Address ranges a provider may not reach without the operator's consent, by what they are. */
const FORBIDDEN_RANGES: [label: string, cidrs: string[]][] = [
  ['loopback', ['127.0.0.0/8', '::1/128']],
  ['non-routable "this host"', ['0.0.0.0/8', '::/128']],
  ['private', ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10']],
  ['link-local', ['169.254.0.0/16', 'fe80::/10']],
  ['unique-local IPv6', ['fc00::/7', 'fec0::/10']],
  [
    'reserved',
    [
      '192.0.0.0/24',
      '192.0.2.0/24',
      '198.18.0.0/15',
      '198.51.100.0/24',
      '203.0.113.0/24',
      '240.0.0.0/4',
      // IPv4-compatible, NAT64, discard-only, documentation and 6to4 prefixes embed or hide IPv4 targets.
      '::/96',
      '64:ff9b::/96',
      '64:ff9b:1::/48',
      '100::/64',
      '2001:db8::/32',
      '2002::/16',
    ],
  ],
  ['multicast', ['224.0.0.0/4', 'ff00::/8']],
];

/** Names that reach the machine itself or a cloud's metadata service whatever DNS says. */
const FORBIDDEN_NAMES = [
  /^localhost$/,
  /\.localhost$/,
  /^metadata$/,
  /^metadata\.google\.internal$/,
  /^metadata\.goog$/,
  /^instance-data(\.ec2\.internal)?$/,
];

/** A save or test waits this long for DNS; a slower name is checked again when it is connected to. */
const CHECK_LOOKUP_TIMEOUT_MS = 3_000;

/** At most this many redirects are followed, each one checked like the first request. */
const MAX_REDIRECTS = 3;

function blockListOf(cidrs: string[]): BlockList {
  const list = new BlockList();
  for (const cidr of cidrs) addRange(list, cidr);
  return list;
}

function addRange(list: BlockList, entry: string): void {
  const [address = '', prefixText] = entry.split('/');
  const type = isIP(address) === 6 ? 'ipv6' : 'ipv4';
  if (prefixText === undefined) list.addAddress(address, type);
  else list.addSubnet(address, Number(prefixText), type);
}

const FORBIDDEN = FORBIDDEN_RANGES.map(([label, cidrs]) => ({ label, list: blockListOf(cidrs) }));

/** Hosts, addresses and ranges the operator lets providers reach although they are internal. */
export interface AllowList {
  readonly entries: readonly string[];
  readonly hosts: ReadonlySet<string>;
  readonly ranges: BlockList;
}

const HOSTNAME =
  /^(?=.{1,253}$)[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]{0,61}[a-z0-9_])?)*$/;

const normalizeHost = (host: string) =>
  host
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');

/**
 * Parses a comma- or space-separated allow-list: IP addresses (`10.0.0.5`, `::1`), CIDR ranges
 * (`10.0.0.0/8`, `fd00::/8`) and exact host names (`ollama.internal`). Throws an Error naming
 * every entry it cannot read.
 */
export function parseAllowList(text: string | undefined): AllowList {
  const entries = (text ?? '').split(/[\s,]+/).filter(Boolean);
  const hosts = new Set<string>();
  const ranges = new BlockList();
  const bad: string[] = [];
  for (const raw of entries) {
    const entry = normalizeHost(raw);
    const [address = '', prefixText] = entry.split('/');
    const version = isIP(address);
    const prefix = Number(prefixText);
    if (version !== 0 && prefixText === undefined) addRange(ranges, address);
    else if (version !== 0 && /^\d+$/.test(prefixText ?? '') && prefix <= (version === 4 ? 32 : 128))
      addRange(ranges, `${address}/${prefix}`);
    else if (prefixText === undefined && HOSTNAME.test(entry) && !/^[\d.]+$/.test(entry)) hosts.add(entry);
    else bad.push(raw);
  }
  if (bad.length > 0) {
    throw new Error(
      `cannot read ${bad.map((b) => `"${b}"`).join(', ')}: use IP addresses, CIDR ranges (10.0.0.0/8) or host names, separated by commas`,
    );
  }
  return { entries, hosts, ranges };
}

export const EMPTY_ALLOW_LIST: AllowList = parseAllowList('');

/** The kind of internal range `address` is in ("loopback", ...), or undefined when a provider may reach it. */
function forbiddenRange(address: string, allow: AllowList): string | undefined {
  const bare = normalizeHost(address).split('%')[0] ?? '';
  const version = isIP(bare);
  if (version === 0) return 'unreadable';
  const type = version === 6 ? 'ipv6' : 'ipv4';
  if (allow.ranges.check(bare, type)) return undefined;
  // BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against the IPv4 ranges too.
  return FORBIDDEN.find(({ list }) => list.check(bare, type))?.label;
}

/** Cloud metadata services answer on link-local addresses: worth saying why that matters. */
const describeRange = (range: string) =>
  range === 'link-local' ? 'link-local address (where cloud metadata services answer)' : `${range} address`;

/** What is wrong with reaching `address`, or undefined when a provider may. */
export function addressProblem(address: string, allow: AllowList): string | undefined {
  const range = forbiddenRange(address, allow);
  return range ? `${address} is a ${describeRange(range)}` : undefined;
}

/** The first internal address among those `host` resolved to, said as a reason. */
function resolvedProblem(host: string, addresses: readonly LookupAddress[], allow: AllowList) {
  if (allow.hosts.has(host)) return undefined;
  for (const { address } of addresses) {
    const range = forbiddenRange(address, allow);
    if (range) return `${host} resolves to ${address}, a ${describeRange(range)}`;
  }
  return undefined;
}

/** Refusal of a host name before any lookup (localhost, metadata names); undefined when fine. */
function nameProblem(host: string, allow: AllowList): string | undefined {
  if (allow.hosts.has(host)) return undefined;
  if (isIP(host) !== 0) return addressProblem(host, allow);
  return FORBIDDEN_NAMES.some((name) => name.test(host))
    ? `${host} names this machine or a cloud metadata service`
    : undefined;
}

const refusal = (problem: string) =>
  new LoomError(
    'INVALID_INPUT',
    `${problem}; providers may not reach internal addresses. If this one is intended, the operator can allow it with LOOM_PROVIDER_ALLOWLIST.`,
    { reason: 'egress-refused' },
  );

type Resolve = (host: string) => Promise<LookupAddress[]>;
/** dns.lookup's shape, always asked for every address; injectable so tests can play a rebinding DNS. */
export type LookupAll = (
  host: string,
  options: { family?: number; hints?: number },
  callback: (error: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

const systemLookup: LookupAll = (host, options, callback) =>
  dnsLookup(host, { ...options, all: true }, callback);

const resolveAll: Resolve = (host) =>
  new Promise((resolve, reject) =>
    dnsLookup(host, { all: true }, (error, addresses) => (error ? reject(error) : resolve(addresses))),
  );

/**
 * Checks a URL before it is saved or tested: its host as written, then every address it resolves
 * to now. A name that does not resolve passes here (the connection test reports it); every request
 * checks again at connection time.
 */
export async function checkEgressUrl(url: string, allow: AllowList, resolve = resolveAll): Promise<void> {
  const host = normalizeHost(new URL(url).hostname);
  const problem = nameProblem(host, allow);
  if (problem) throw refusal(problem);
  if (isIP(host) !== 0 || allow.hosts.has(host)) return;
  let timer: NodeJS.Timeout | undefined;
  const addresses = await Promise.race([
    resolve(host).catch(() => []),
    new Promise<LookupAddress[]>((done) => (timer = setTimeout(() => done([]), CHECK_LOOKUP_TIMEOUT_MS))),
  ]).finally(() => clearTimeout(timer));
  const resolved = resolvedProblem(host, addresses, allow);
  if (resolved) throw refusal(resolved);
}

/** The connection's own DNS lookup: resolves, refuses when any address is internal, else connects to those. */
function guardedLookup(host: string, allow: AllowList, lookupAll: LookupAll): LookupFunction {
  return (hostname, options, callback) => {
    const { family, hints } = options;
    lookupAll(
      hostname,
      { ...(typeof family === 'number' ? { family } : {}), ...(hints ? { hints } : {}) },
      (error, list) => {
        if (error) return callback(error, '', 0);
        const problem = resolvedProblem(host, list, allow);
        if (problem) return callback(refusal(problem), '', 0);
        const first = list[0];
        if (!first)
          return callback(Object.assign(new Error(`${host} has no address`), { code: 'ENOTFOUND' }), '', 0);
        if (options.all) (callback as (e: null, a: LookupAddress[]) => void)(null, list);
        else callback(null, first.address, first.family);
      },
    );
  };
}

/** Headers that must not follow a redirect to another origin (they carry the API key). */
const CREDENTIAL_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'api-key', 'x-api-key'];

/** A response body that fails like fetch's: a cut connection is TypeError('terminated'), an abort its reason. */
function fetchLikeBody(source: Readable, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const reader = (Readable.toWeb(source) as ReadableStream<Uint8Array>).getReader();
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const { done, value } = await reader.read();
        if (done) controller.close();
        else controller.enqueue(value);
      } catch (error) {
        controller.error(signal?.aborted ? signal.reason : new TypeError('terminated', { cause: error }));
      }
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

function sendOnce(
  url: URL,
  method: string,
  headers: Headers,
  body: Buffer | undefined,
  signal: AbortSignal | undefined,
  allow: AllowList,
  lookupAll: LookupAll,
): Promise<Response> {
  const host = normalizeHost(url.hostname);
  const problem = nameProblem(host, allow);
  if (problem) return Promise.reject(refusal(problem));
  const outgoing: Record<string, string> = Object.fromEntries(headers);
  // Node's http client does not decompress; ask for plain bodies.
  outgoing['accept-encoding'] = 'identity';
  if (body) outgoing['content-length'] = String(body.length);
  const transport = url.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const request = transport.request(
      url,
      {
        method,
        headers: outgoing,
        lookup: guardedLookup(host, allow, lookupAll),
        ...(signal ? { signal } : {}),
      },
      (response) => {
        const status = response.statusCode ?? 502;
        const responseHeaders = new Headers();
        for (let i = 0; i + 1 < response.rawHeaders.length; i += 2)
          responseHeaders.append(response.rawHeaders[i] ?? '', response.rawHeaders[i + 1] ?? '');
        const hasBody = method !== 'HEAD' && ![101, 204, 205, 304].includes(status);
        if (!hasBody) response.resume();
        resolve(
          new Response(hasBody ? fetchLikeBody(response, signal) : null, {
            status,
            statusText: response.statusMessage ?? '',
            headers: responseHeaders,
          }),
        );
      },
    );
    // Failures as fetch reports them: the abort reason, TypeError('fetch failed'), or our refusal.
    request.on('error', (error) =>
      reject(
        signal?.aborted
          ? signal.reason
          : error instanceof LoomError
            ? error
            : new TypeError('fetch failed', { cause: error }),
      ),
    );
    request.end(body);
  });
}

/**
 * A `fetch` for provider SDKs that only reaches addresses the policy allows: every hop of every
 * request is checked, at connection time, on the resolved addresses.
 */
export function createGuardedFetch(allow: AllowList, lookupAll: LookupAll = systemLookup): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    let url = new URL(request.url);
    let method = request.method;
    let body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const headers = new Headers(request.headers);
    const signal = init?.signal ?? undefined;
    for (let hop = 0; ; hop++) {
      const response = await sendOnce(url, method, headers, body, signal, allow, lookupAll);
      const location = response.headers.get('location');
      if (request.redirect !== 'follow' || ![301, 302, 303, 307, 308].includes(response.status) || !location)
        return response;
      await response.body?.cancel();
      if (hop >= MAX_REDIRECTS) {
        throw new LoomError('PROVIDER_ERROR', `${url.host} redirected more than ${MAX_REDIRECTS} times`);
      }
      const next = new URL(location, url);
      if (next.protocol !== 'http:' && next.protocol !== 'https:') {
        throw new LoomError('PROVIDER_ERROR', `${url.host} redirected to a ${next.protocol} address`);
      }
      if (next.origin !== url.origin) for (const name of CREDENTIAL_HEADERS) headers.delete(name);
      if (response.status === 303 || (response.status <= 302 && method === 'POST')) {
        method = 'GET';
        body = undefined;
        headers.delete('content-type');
      }
      url = next;
    }
  };
}

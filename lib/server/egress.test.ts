import { createServer, type Server } from 'node:http';
import type { LookupAddress } from 'node:dns';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import { createOllamaProvider } from '@/lib/adapters/ollama';
import { createOpenAIProvider } from '@/lib/adapters/openai';
import { describeProviderContract } from '@/lib/adapters/provider-contract';
import { LoomError } from '@/lib/loom/core';
import {
  EMPTY_ALLOW_LIST,
  addressProblem,
  checkEgressUrl,
  createGuardedFetch,
  parseAllowList,
  type LookupAll,
} from './egress';
import { parseEnv } from './env';

async function refusal(run: () => Promise<unknown>): Promise<LoomError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(LoomError);
  return error as LoomError;
}

describe('addressProblem', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['10.1.2.3', 'private'],
    ['172.20.0.1', 'private'],
    ['192.168.1.1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['0.0.0.0', 'this host'],
    ['::1', 'loopback'],
    ['::', 'this host'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fd12:3456::1', 'unique-local'],
    ['64:ff9b::7f00:1', 'reserved'],
  ])('refuses %s as %s', (address, label) => {
    expect(addressProblem(address, EMPTY_ALLOW_LIST)).toContain(label);
  });

  it.each(['8.8.8.8', '1.1.1.1', '2606:4700:4700::1111'])('lets %s through', (address) => {
    expect(addressProblem(address, EMPTY_ALLOW_LIST)).toBeUndefined();
  });

  it('lets allow-listed addresses and ranges through, and only those', () => {
    const allow = parseAllowList('10.0.0.0/8, 127.0.0.1 fd00::/8');
    expect(addressProblem('10.9.9.9', allow)).toBeUndefined();
    expect(addressProblem('127.0.0.1', allow)).toBeUndefined();
    expect(addressProblem('::ffff:127.0.0.1', allow)).toBeUndefined();
    expect(addressProblem('fd00::5', allow)).toBeUndefined();
    expect(addressProblem('127.0.0.2', allow)).toContain('loopback');
    expect(addressProblem('169.254.169.254', allow)).toContain('link-local');
  });
});

describe('parseAllowList', () => {
  it('reads addresses, ranges and host names', () => {
    const allow = parseAllowList(' ollama.internal, 10.0.0.0/8,[::1]  GPU-box.lan. ');
    expect(allow.entries).toHaveLength(4);
    expect([...allow.hosts]).toEqual(['ollama.internal', 'gpu-box.lan']);
  });

  it('names every entry it cannot read', () => {
    expect(() => parseAllowList('10.0.0.0/33, http://x, ok.lan, 300.1.1.1')).toThrow(
      /cannot read "10\.0\.0\.0\/33", "http:\/\/x", "300\.1\.1\.1"/,
    );
  });
});

describe('checkEgressUrl', () => {
  const noDns = async () => [];

  it.each([
    ['http://127.0.0.1:11434', 'loopback'],
    ['http://10.0.0.7/v1', 'private'],
    ['http://169.254.169.254/latest/meta-data/', 'link-local'],
    ['http://[::1]:8080/v1', 'loopback'],
    ['http://[::ffff:127.0.0.1]/v1', 'loopback'],
    ['http://2130706433/v1', 'loopback'],
    ['http://0177.0.0.1/v1', 'loopback'],
    ['http://0x7f.1/v1', 'loopback'],
    ['http://0.0.0.0:3000/', 'this host'],
    ['http://localhost:3000/', 'this machine'],
    ['http://metadata.google.internal/computeMetadata/v1/', 'metadata'],
  ])('refuses %s (%s)', async (url, label) => {
    const error = await refusal(() => checkEgressUrl(url, EMPTY_ALLOW_LIST, noDns));
    expect(error.code).toBe('INVALID_INPUT');
    expect(error.message).toContain(label);
    expect(error.message).toContain('LOOM_PROVIDER_ALLOWLIST');
  });

  it('refuses a host name that resolves to an internal address', async () => {
    const resolve = async () => [{ address: '127.0.0.1', family: 4 }];
    const error = await refusal(() => checkEgressUrl('http://rebind.example/v1', EMPTY_ALLOW_LIST, resolve));
    expect(error.message).toMatch(/^rebind\.example resolves to 127\.0\.0\.1, a loopback address/);
  });

  it('accepts public names, and internal ones the allow-list names', async () => {
    const resolve = async () => [{ address: '10.0.0.3', family: 4 }];
    await expect(checkEgressUrl('https://api.openai.com/v1', EMPTY_ALLOW_LIST, noDns)).resolves.toBe(
      undefined,
    );
    await expect(
      checkEgressUrl('http://ollama.internal:11434', parseAllowList('ollama.internal'), resolve),
    ).resolves.toBe(undefined);
    await expect(
      checkEgressUrl('http://gpu.lan:11434', parseAllowList('10.0.0.0/24'), resolve),
    ).resolves.toBe(undefined);
  });
});

describe('createGuardedFetch', () => {
  let fake: FakeLlmServer;
  let redirector: Server;
  let redirectorUrl: string;
  let seenAuthorization: string | undefined;

  beforeAll(async () => {
    fake = await startFakeLlmServer();
    redirector = createServer((req, res) => {
      seenAuthorization = req.headers.authorization;
      res.writeHead(302, { location: `http://169.254.169.254/latest/meta-data/` });
      res.end();
    });
    await new Promise<void>((resolve) => redirector.listen(0, '127.0.0.1', resolve));
    redirectorUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await fake.close();
    await new Promise((resolve) => redirector.close(resolve));
  });

  it('refuses loopback in every spelling, and a name that resolves to it, before sending', async () => {
    const guarded = createGuardedFetch(EMPTY_ALLOW_LIST);
    const before = fake.requests.length;
    for (const host of [
      '127.0.0.1',
      '[::ffff:127.0.0.1]',
      '2130706433',
      'localhost',
      'localtest.me.localhost',
    ]) {
      const error = await refusal(() => guarded(`http://${host}:${fake.port}/v1/models`));
      expect(error.code).toBe('INVALID_INPUT');
    }
    expect(fake.requests.length).toBe(before);
  });

  it('checks the address it connects to, not the one a save-time check saw (DNS rebinding)', async () => {
    // A hostile DNS answers a public address first, then loopback once the URL has passed.
    let answers = 0;
    const rebinding: LookupAll = (_host, _options, callback) =>
      callback(null, [{ address: answers++ === 0 ? '93.184.215.14' : '127.0.0.1', family: 4 }]);
    const url = `http://rebind.example:${fake.port}/v1/models`;
    await checkEgressUrl(url, EMPTY_ALLOW_LIST, async () => {
      const addresses: LookupAddress[] = [];
      rebinding('rebind.example', {}, (_e, list) => addresses.push(...list));
      return addresses;
    });
    const before = fake.requests.length;
    const error = await refusal(() => createGuardedFetch(EMPTY_ALLOW_LIST, rebinding)(url));
    expect(error.message).toMatch(/^rebind\.example resolves to 127\.0\.0\.1, a loopback address/);
    expect(fake.requests.length).toBe(before);
  });

  it('connects to the address its lookup checked', async () => {
    const toLoopback: LookupAll = (_host, _options, callback) =>
      callback(null, [{ address: '127.0.0.1', family: 4 }]);
    const guarded = createGuardedFetch(parseAllowList('127.0.0.1'), toLoopback);
    expect((await guarded(`http://llm.example:${fake.port}/v1/models`)).status).toBe(200);
  });

  it('reaches an allow-listed address and streams its answer', async () => {
    const guarded = createGuardedFetch(parseAllowList('127.0.0.1'));
    const response = await guarded(`${fake.url}/v1/models`);
    expect(response.status).toBe(200);
    expect(((await response.json()) as { data: unknown[] }).data).toHaveLength(4);
  });

  it('does not follow a redirect to a forbidden address, and drops the key on the way', async () => {
    const guarded = createGuardedFetch(parseAllowList('127.0.0.1'));
    const error = await refusal(() =>
      guarded(`${redirectorUrl}/v1/models`, { headers: { authorization: 'Bearer sk-secret' } }),
    );
    expect(error.message).toContain('169.254.169.254 is a link-local');
    expect(seenAuthorization).toBe('Bearer sk-secret');
  });
});

// The SDK behaves the same through the guarded fetch: streams, aborts, timeouts, dropped links.
describeProviderContract('OpenAI through the egress guard', {
  create: (root) =>
    createOpenAIProvider({
      apiKey: 'sk-test',
      baseURL: `${root}/v1`,
      fetch: createGuardedFetch(parseAllowList('127.0.0.1')),
    }),
  model: 'gpt-4o-mini',
  contextWindow: 128_000,
});

describeProviderContract('Ollama through the egress guard', {
  create: (root) =>
    createOllamaProvider({ host: root, fetch: createGuardedFetch(parseAllowList('127.0.0.1')) }),
  model: 'llama3.2',
  contextWindow: 131_072,
});

describe('LOOM_PROVIDER_ALLOWLIST', () => {
  it('is parsed with the environment, and a bad entry stops the start naming it', () => {
    const env = parseEnv({ LOOM_PROVIDER_ALLOWLIST: '10.0.0.0/8,ollama.lan' });
    expect(addressProblem('10.2.3.4', env.LOOM_PROVIDER_ALLOWLIST)).toBeUndefined();
    expect(parseEnv({}).LOOM_PROVIDER_ALLOWLIST.entries).toEqual([]);
    expect(() => parseEnv({ LOOM_PROVIDER_ALLOWLIST: '10.0.0.0/99' })).toThrow(
      /LOOM_PROVIDER_ALLOWLIST: cannot read "10\.0\.0\.0\/99"/,
    );
  });
});

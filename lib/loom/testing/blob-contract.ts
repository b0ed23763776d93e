import { describe, expect, it } from 'vitest';
import { isLoomError, type LoomErrorCode } from '../core';
import { readBlobBytes, type BlobStore } from '../blob';

export interface BlobStoreUnderTest {
  store: BlobStore;
  /** The store's own limit (`maxBytes`), so the contract can check it. */
  maxBytes: number;
  cleanup: () => Promise<void>;
}

async function expectCode(promise: Promise<unknown>, code: LoomErrorCode) {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(isLoomError(error), `expected LoomError ${code}, got ${String(error)}`).toBe(true);
  if (!isLoomError(error)) throw new Error('unreachable');
  expect(error.code).toBe(code);
  return error;
}

const text = (value: string) => new TextEncoder().encode(value);
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes);

function streamOf(chunks: Uint8Array[], delayMs = 0): ReadableStream<Uint8Array> {
  let i = 0;
  return new ReadableStream({
    async pull(controller) {
      if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
      const chunk = chunks[i++];
      if (chunk) controller.enqueue(chunk);
      else controller.close();
    },
  });
}

/**
 * The behaviour every BlobStore must have. `makeStore` returns a fresh, empty store (a new
 * directory, bucket prefix...) and a cleanup.
 */
export function runBlobStoreContract(name: string, makeStore: () => Promise<BlobStoreUnderTest>): void {
  async function withStore(test: (store: BlobStore, maxBytes: number) => Promise<void>) {
    const { store, maxBytes, cleanup } = await makeStore();
    try {
      await test(store, maxBytes);
    } finally {
      await cleanup();
    }
  }
  const read = (store: BlobStore, key: string) => readBlobBytes(store, key, 10_000_000).then(decode);

  describe(`BlobStore contract: ${name}`, () => {
    it('stores bytes and streams, and reads them back with size and content type', () =>
      withStore(async (store) => {
        const before = Date.now();
        const meta = await store.put('suites/s1/import.csv', text('id,expected\n1,yes\n'), {
          contentType: 'text/csv; charset=utf-8',
        });
        expect(meta).toMatchObject({
          key: 'suites/s1/import.csv',
          size: 18,
          contentType: 'text/csv; charset=utf-8',
        });
        expect(meta.updatedAt.getTime()).toBeGreaterThanOrEqual(before - 2_000);
        expect(await read(store, 'suites/s1/import.csv')).toBe('id,expected\n1,yes\n');

        const streamed = await store.put(
          'big.jsonl',
          streamOf([text('{"a":1}\n'), text('ünï ✓\n'), text('')], 5),
        );
        expect(streamed.contentType).toBe('application/octet-stream');
        expect(streamed.size).toBe(text('{"a":1}\nünï ✓\n').byteLength);
        const blob = await store.get('big.jsonl');
        expect(blob.metadata).toMatchObject({ key: 'big.jsonl', size: streamed.size });
        expect(decode(new Uint8Array(await new Response(blob.body).arrayBuffer()))).toBe('{"a":1}\nünï ✓\n');
        expect(await store.stat('big.jsonl')).toMatchObject({ key: 'big.jsonl', size: streamed.size });
      }));

    it('stores an empty blob and binary bytes exactly', () =>
      withStore(async (store) => {
        expect((await store.put('empty', new Uint8Array())).size).toBe(0);
        expect(await readBlobBytes(store, 'empty', 10)).toEqual(new Uint8Array());
        const binary = Uint8Array.from({ length: 256 }, (_, i) => i);
        await store.put('bin/all-bytes', binary);
        expect(await readBlobBytes(store, 'bin/all-bytes', 1000)).toEqual(binary);
      }));

    it('replaces a blob whole on a second put', () =>
      withStore(async (store) => {
        await store.put('k', text('first version, rather long'), { contentType: 'text/plain' });
        await store.put('k', text('second'), { contentType: 'application/json' });
        expect(await read(store, 'k')).toBe('second');
        expect(await store.stat('k')).toMatchObject({ size: 6, contentType: 'application/json' });
      }));

    it('throws NOT_FOUND from get, undefined from stat, and deletes idempotently', () =>
      withStore(async (store) => {
        const error = await expectCode(store.get('missing/file'), 'NOT_FOUND');
        expect(error.details.key).toBe('missing/file');
        expect(await store.stat('missing/file')).toBeUndefined();
        await store.put('gone', text('x'));
        await store.delete('gone');
        await store.delete('gone');
        expect(await store.stat('gone')).toBeUndefined();
        await expectCode(store.get('gone'), 'NOT_FOUND');
      }));

    it('refuses unsafe keys and bad content types with INVALID_INPUT, touching nothing', () =>
      withStore(async (store) => {
        for (const key of [
          '',
          '../etc/passwd',
          'a/../b',
          '/abs',
          'a//b',
          'a/',
          '.hidden',
          'a/.tmp',
          'sp ace',
          'back\\slash',
          'x'.repeat(513),
        ]) {
          await expectCode(store.put(key, text('x')), 'INVALID_INPUT');
          await expectCode(store.get(key), 'INVALID_INPUT');
          await expectCode(store.stat(key), 'INVALID_INPUT');
          await expectCode(store.delete(key), 'INVALID_INPUT');
        }
        await expectCode(store.list('../'), 'INVALID_INPUT');
        await expectCode(store.put('ok', text('x'), { contentType: 'not a type' }), 'INVALID_INPUT');
        expect(await store.list('')).toEqual([]);
      }));

    it('refuses a body over the limit while it streams, keeping the previous blob', () =>
      withStore(async (store, maxBytes) => {
        await store.put('limited', text('keep me'));
        const error = await expectCode(
          store.put('limited', text('0123456789'), { maxBytes: 5 }),
          'INVALID_INPUT',
        );
        expect(error.details.maxBytes).toBe(5);
        const chunk = new Uint8Array(64 * 1024).fill(97);
        const chunks = Array.from({ length: Math.ceil(maxBytes / chunk.byteLength) + 1 }, () => chunk);
        await expectCode(store.put('limited', streamOf(chunks)), 'INVALID_INPUT');
        await expectCode(
          store.put('limited', streamOf([text('0123'), text('4567')]), { maxBytes: 6 }),
          'INVALID_INPUT',
        );
        expect(await read(store, 'limited')).toBe('keep me');
        expect((await store.list('')).map((b) => b.key)).toEqual(['limited']);
        expect((await store.put('limited', text('123456'), { maxBytes: 6 })).size).toBe(6);
      }));

    it('stores nothing when the signal is already aborted', () =>
      withStore(async (store) => {
        const controller = new AbortController();
        controller.abort();
        await expectCode(store.put('abort', text('x'), { signal: controller.signal }), 'CANCELLED');
        expect(await store.stat('abort')).toBeUndefined();
      }));

    it('lists by plain prefix, sorted by key, with sizes', () =>
      withStore(async (store) => {
        await store.put('exports/b.csv', text('bb'));
        await store.put('exports/a.csv', text('a'));
        await store.put('exports-old/c.csv', text('ccc'));
        await store.put('imports/x.csv', text('x'));
        await store.put('exports/nested/deep/d.csv', text('dddd'));
        expect((await store.list('exports/')).map((b) => [b.key, b.size])).toEqual([
          ['exports/a.csv', 1],
          ['exports/b.csv', 2],
          ['exports/nested/deep/d.csv', 4],
        ]);
        expect((await store.list('exports')).map((b) => b.key)).toEqual([
          'exports-old/c.csv',
          'exports/a.csv',
          'exports/b.csv',
          'exports/nested/deep/d.csv',
        ]);
        expect((await store.list('exports/a')).map((b) => b.key)).toEqual(['exports/a.csv']);
        expect((await store.list('nothing/')).length).toBe(0);
        expect((await store.list('')).length).toBe(5);
        const [first] = await store.list('imports/');
        expect(first?.updatedAt).toBeInstanceOf(Date);
      }));

    it('checks download-link lifetimes and gives a working link or none', () =>
      withStore(async (store) => {
        await store.put('dl/file.csv', text('a,b\n'), { contentType: 'text/csv' });
        await expectCode(store.createDownloadUrl('dl/file.csv', { expiresInSeconds: 0 }), 'INVALID_INPUT');
        await expectCode(store.createDownloadUrl('dl/file.csv', { expiresInSeconds: 3601 }), 'INVALID_INPUT');
        const url = await store.createDownloadUrl('dl/file.csv', {
          expiresInSeconds: 60,
          filename: 'cases.csv',
        });
        if (url !== undefined) {
          const response = await fetch(url);
          expect(response.status).toBe(200);
          expect(await response.text()).toBe('a,b\n');
          expect(response.headers.get('content-disposition')).toContain('cases.csv');
        }
      }));

    it('keeps concurrent puts of one key whole: the last read is one of the writes, never a mix', () =>
      withStore(async (store) => {
        const bodies = Array.from({ length: 6 }, (_, i) => String(i).repeat(50_000 + i));
        await Promise.all(bodies.map((body) => store.put('race', text(body))));
        const final = await read(store, 'race');
        expect(bodies).toContain(final);
        expect((await store.list('')).map((b) => b.key)).toEqual(['race']);
      }));
  });
}

import { mkdtemp, readdir, readFile, rm, writeFile, mkdir, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readBlobBytes } from '@/lib/loom/blob';
import { runBlobStoreContract } from '@/lib/loom/testing/blob-contract';
import { createFileBlobStore } from './file-blob-store';

const tempRoot = () => mkdtemp(path.join(tmpdir(), 'loom-file-blob-'));

runBlobStoreContract('file', async () => {
  const root = await tempRoot();
  return {
    store: createFileBlobStore({ root, maxBytes: 256 * 1024 }),
    maxBytes: 256 * 1024,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

describe('file blob store on disk', () => {
  it('keeps one file per blob under the root, no temp files after puts, and no empty folders after deletes', async () => {
    const root = await tempRoot();
    try {
      const store = createFileBlobStore({ root });
      await store.put('a/b/c.csv', new TextEncoder().encode('x,y\n'), { contentType: 'text/csv' });
      // A key may be a blob and a folder at once, as in S3.
      await store.put('a', new TextEncoder().encode('top'));
      expect(await readdir(path.join(root, 'a', 'b'))).toEqual(['c.csv~']);
      expect(await readdir(path.join(root, '.tmp'))).toEqual([]);
      expect((await readFile(path.join(root, 'a', 'b', 'c.csv~'), 'utf8')).split('\n')[1]).toBe('x,y');
      await store.delete('a/b/c.csv');
      expect((await readdir(root)).sort()).toEqual(['.tmp', 'a~']);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('never writes outside the root, whatever the key', async () => {
    const root = await tempRoot();
    const outside = path.join(path.dirname(root), `outside-${path.basename(root)}`);
    try {
      const store = createFileBlobStore({ root: path.join(root, 'blobs') });
      for (const key of ['../outside', '..', '../../etc/x', `..${path.sep}x`, 'a/../../x'])
        await expect(store.put(key, new Uint8Array([1]))).rejects.toMatchObject({ code: 'INVALID_INPUT' });
      await expect(readdir(outside)).rejects.toMatchObject({ code: 'ENOENT' });
      expect(await readdir(root)).toEqual([]);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('removes temp files a crashed writer left, and ignores them in listings', async () => {
    const root = await tempRoot();
    try {
      await mkdir(path.join(root, '.tmp'), { recursive: true });
      const stale = path.join(root, '.tmp', 'crashed');
      await writeFile(stale, 'half');
      const old = new Date(Date.now() - 2 * 60 * 60 * 1000);
      await utimes(stale, old, old);
      await writeFile(path.join(root, '.tmp', 'fresh'), 'in progress');
      const store = createFileBlobStore({ root });
      expect(await store.list('')).toEqual([]);
      await store.put('k', new Uint8Array([1, 2]));
      expect(await readdir(path.join(root, '.tmp'))).toEqual(['fresh']);
      expect(await readBlobBytes(store, 'k', 10)).toEqual(new Uint8Array([1, 2]));
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });

  it('a reader that opened a blob keeps reading it whole while a put replaces it', async () => {
    const root = await tempRoot();
    try {
      const store = createFileBlobStore({ root });
      const first = 'a'.repeat(300_000);
      await store.put('k', new TextEncoder().encode(first));
      const blob = await store.get('k');
      await store.put('k', new TextEncoder().encode('b'.repeat(10)));
      expect(await new Response(blob.body).text()).toBe(first);
    } finally {
      await rm(root, { recursive: true, force: true });
    }
  });
});

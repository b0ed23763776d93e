import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBlobStoreContract } from '@/lib/loom/testing/blob-contract';
import { startTestS3, type TestS3 } from '@/test/s3';
import { createS3BlobStore, createS3Client } from './s3-blob-store';

let s3: TestS3 | undefined;
beforeAll(async () => {
  s3 = await startTestS3();
});
afterAll(async () => {
  await s3?.stop();
});

function makeStore(keyPrefix: string, maxBytes = 256 * 1024) {
  if (!s3) throw new Error('s3rver not started');
  return createS3BlobStore({ client: createS3Client(s3.settings), bucket: s3.bucket, keyPrefix, maxBytes });
}

runBlobStoreContract('s3 (s3rver)', async () => {
  const keyPrefix = `t-${randomBytes(4).toString('hex')}/`;
  const store = makeStore(keyPrefix);
  return {
    store,
    maxBytes: 256 * 1024,
    cleanup: async () => {
      for (const blob of await store.list('')) await store.delete(blob.key);
    },
  };
});

describe('s3 blob store', () => {
  it('keeps its objects under its key prefix', async () => {
    const a = makeStore('a/');
    const b = makeStore('b/');
    await a.put('same', new TextEncoder().encode('from a'));
    expect(await b.stat('same')).toBeUndefined();
    expect((await makeStore('').list('a/')).map((x) => x.key)).toEqual(['a/same']);
    await a.delete('same');
  });

  it('signs download links that expire', async () => {
    const store = makeStore('sign/');
    await store.put('f.csv', new TextEncoder().encode('x'), { contentType: 'text/csv' });
    const url = await store.createDownloadUrl('f.csv', { expiresInSeconds: 1, filename: 'résumé "1".csv' });
    expect(url).toMatch(/X-Amz-Expires=1/);
    const fresh = await fetch(url!);
    expect(fresh.status).toBe(200);
    expect(fresh.headers.get('content-type')).toContain('text/csv');
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await fetch(url!)).status).toBe(403);
    await store.delete('f.csv');
  });

  it('reports an unreachable server as UNAVAILABLE', async () => {
    const store = createS3BlobStore({
      client: createS3Client({
        endpoint: 'http://127.0.0.1:1',
        region: 'us-east-1',
        accessKeyId: 'x',
        secretAccessKey: 'y',
        forcePathStyle: true,
      }),
      bucket: 'none',
    });
    await expect(store.stat('k')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});

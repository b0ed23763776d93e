import { describe, expect, it } from 'vitest';
import { createMemoryBlobStore, readBlobBytes, type BlobStore } from '../blob';
import { LoomError } from '../core';
import { OUTPUT_PREVIEW_CHARS, blobKeySegment, offloadLargeOutputs, outputPreview } from './offload-outputs';
import type { SuiteRunRecord } from './results';
import { createMemoryRunStore } from './run-store';
import { runRunStoreContract, sampleCaseResult } from './run-store-contract';

// A threshold below the sample's output, so the contract runs through the blob store.
runRunStoreContract('memory, outputs over 8 bytes in a memory blob store', async () => ({
  store: offloadLargeOutputs(createMemoryRunStore(), createMemoryBlobStore(), {
    thresholdBytes: 8,
    keyPrefix: 'outputs/',
  }),
  cleanup: async () => {},
}));

const RUN: SuiteRunRecord = { id: 'run-1', suiteId: 's', status: 'running', startedAt: new Date(0) };

async function setup(options: { thresholdBytes?: number; blobs?: BlobStore } = {}) {
  const inner = createMemoryRunStore();
  const blobs = options.blobs ?? createMemoryBlobStore();
  const store = offloadLargeOutputs(inner, blobs, {
    thresholdBytes: options.thresholdBytes ?? 10,
    keyPrefix: 'run-outputs/w1/',
  });
  await store.saveRun(RUN);
  const keys = async () => (await blobs.list('')).map((b) => b.key);
  return { inner, blobs, store, keys };
}

describe('offloadLargeOutputs', () => {
  it('keeps an output of exactly the threshold inline and offloads one byte more, counting UTF-8 bytes', async () => {
    const { inner, store, keys } = await setup({ thresholdBytes: 10 });
    await store.saveCaseResult(RUN.id, sampleCaseResult('ascii-10', { output: 'a'.repeat(10) }));
    await store.saveCaseResult(RUN.id, sampleCaseResult('ascii-11', { output: 'a'.repeat(11) }));
    // 5 characters but 10 bytes; 6 characters but 12 bytes.
    await store.saveCaseResult(RUN.id, sampleCaseResult('accents-10', { output: 'é'.repeat(5) }));
    await store.saveCaseResult(RUN.id, sampleCaseResult('accents-12', { output: 'é'.repeat(6) }));
    const rows = await inner.listCaseResults(RUN.id);
    expect(rows.map((r) => [r.caseId, r.outputBlob?.bytes])).toEqual([
      ['ascii-10', undefined],
      ['ascii-11', 11],
      ['accents-10', undefined],
      ['accents-12', 12],
    ]);
    expect(await keys()).toEqual(['run-outputs/w1/run-1/accents-12', 'run-outputs/w1/run-1/ascii-11']);
  });

  it('stores a preview in the row and the whole text in the blob; listing returns exactly what was saved', async () => {
    const { inner, blobs, store } = await setup();
    // A surrogate pair straddles the preview's end: the preview stops before it.
    const output = `${'x'.repeat(OUTPUT_PREVIEW_CHARS - 1)}😀${'ü'.repeat(50_000)}`;
    const saved = sampleCaseResult('long', { output });
    await store.saveCaseResult(RUN.id, saved);

    const [row] = await inner.listCaseResults(RUN.id);
    expect(row?.output).toBe('x'.repeat(OUTPUT_PREVIEW_CHARS - 1));
    const bytes = new TextEncoder().encode(output).byteLength;
    expect(row?.outputBlob).toEqual({ key: 'run-outputs/w1/run-1/long', bytes });
    expect(await blobs.stat('run-outputs/w1/run-1/long')).toMatchObject({
      size: bytes,
      contentType: 'text/plain; charset=utf-8',
    });
    expect(new TextDecoder().decode(await readBlobBytes(blobs, 'run-outputs/w1/run-1/long', bytes))).toBe(
      output,
    );

    expect(await store.listCaseResults(RUN.id)).toEqual([saved]);
  });

  it('replaces the blob on a resave, and an output that shrank below the threshold is inline again', async () => {
    const { store } = await setup();
    await store.saveCaseResult(RUN.id, sampleCaseResult('a', { output: 'first long output' }));
    await store.saveCaseResult(RUN.id, sampleCaseResult('a', { output: 'second long output' }));
    expect((await store.listCaseResults(RUN.id))[0]?.output).toBe('second long output');
    await store.saveCaseResult(RUN.id, sampleCaseResult('a', { output: 'short' }));
    expect(await store.listCaseResults(RUN.id)).toEqual([sampleCaseResult('a', { output: 'short' })]);
  });

  it('gives every case id its own valid key, however it is spelled', async () => {
    const ids = ['a/b', 'a_2Fb', '../etc', '.hidden', 'ünï code ✓', 'x'.repeat(200), `${'x'.repeat(199)}y`];
    const { store, keys } = await setup();
    for (const id of ids)
      await store.saveCaseResult(RUN.id, sampleCaseResult(id, { output: `output of ${id}` }));
    expect(new Set(await keys()).size).toBe(ids.length);
    expect((await store.listCaseResults(RUN.id)).map((c) => [c.caseId, c.output])).toEqual(
      ids.map((id) => [id, `output of ${id}`]),
    );
    expect(blobKeySegment('a/b')).toBe('a_2Fb');
    expect(blobKeySegment('a_2Fb')).toBe('a_5F2Fb');
    expect(blobKeySegment('x'.repeat(200)).length).toBeLessThanOrEqual(120);
  });

  it("deletes a run's blobs with the run, and only that run's", async () => {
    const { store, keys } = await setup();
    await store.saveRun({ ...RUN, id: 'run-10' });
    await store.saveCaseResult(RUN.id, sampleCaseResult('a', { output: 'long output of run 1' }));
    await store.saveCaseResult(RUN.id, sampleCaseResult('b', { output: 'another long output' }));
    await store.saveCaseResult('run-10', sampleCaseResult('a', { output: 'long output of run 10' }));
    await store.deleteRun(RUN.id);
    expect(await store.listCaseResults(RUN.id)).toEqual([]);
    expect(await keys()).toEqual(['run-outputs/w1/run-10/a']);
  });

  it('saves nothing when the blob cannot be stored, and says why', async () => {
    const { inner, store } = await setup({ blobs: createMemoryBlobStore({ maxBytes: 50 }) });
    const error = await store
      .saveCaseResult(RUN.id, sampleCaseResult('big', { output: 'z'.repeat(51) }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining(
        'The output of case "big" (51 bytes) could not be stored in the blob store',
      ),
    });
    expect(await inner.listCaseResults(RUN.id)).toEqual([]);

    const down = createMemoryBlobStore();
    down.put = async () => {
      throw new LoomError('UNAVAILABLE', 'bucket unreachable');
    };
    const broken = await setup({ blobs: down });
    await expect(
      broken.store.saveCaseResult(RUN.id, sampleCaseResult('a', { output: 'long enough output' })),
    ).rejects.toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('bucket unreachable') });
    expect(await broken.inner.listCaseResults(RUN.id)).toEqual([]);
  });

  it('writes no blob for a missing run or a malformed result', async () => {
    const { store, keys } = await setup();
    await expect(
      store.saveCaseResult('missing', sampleCaseResult('a', { output: 'long enough output' })),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(
      store.saveCaseResult(RUN.id, sampleCaseResult('a', { output: 'long enough output', score: 3 })),
    ).rejects.toMatchObject({ code: 'INVALID_INPUT' });
    expect(await keys()).toEqual([]);
  });

  it('refuses a threshold that is not a positive integer and a prefix that is not a folder', () => {
    const make = (thresholdBytes: number, keyPrefix: string) => () =>
      offloadLargeOutputs(createMemoryRunStore(), createMemoryBlobStore(), { thresholdBytes, keyPrefix });
    expect(make(0, 'p/')).toThrow(/positive integer/);
    expect(make(10, 'p')).toThrow(/end with "\/"/);
    expect(make(10, '../p/')).toThrow(/Invalid blob prefix/);
  });

  it('previews short text whole', () => {
    expect(outputPreview('short')).toBe('short');
  });
});

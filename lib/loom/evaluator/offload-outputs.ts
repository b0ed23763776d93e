import { readBlobBytes, validateBlobPrefix, type BlobStore } from '../blob';
import { isLoomError, LoomError, invalidField } from '../core';
import { caseResultSchema, type CaseResult, type OutputBlob } from './results';
import type { RunStore } from './run-store';

/** Characters of an offloaded output kept in its row: what case tables preview and search. */
export const OUTPUT_PREVIEW_CHARS = 2000;
const OUTPUT_CONTENT_TYPE = 'text/plain; charset=utf-8';
/** Blob reads and deletes in flight at once for one run: a run may hold thousands of cases. */
const BLOB_CONCURRENCY = 8;
/** A key segment longer than this is shortened and made unique by a hash of the id. */
const MAX_SEGMENT_CHARS = 120;
const SHORTENED_CHARS = 100;

export interface OffloadOptions {
  /** Outputs of more UTF-8 bytes than this go to the blob store; smaller ones stay inline. */
  thresholdBytes: number;
  /** Where the blobs live: `<keyPrefix><runId>/<caseId>`, ids encoded as key segments. Empty or ending in "/". */
  keyPrefix: string;
}

const encoder = new TextEncoder();

/**
 * FNV-1a, 64 bits: ids that share their first 100 encoded characters still get distinct keys
 * (two of the at most 20,000 cases of a run colliding is about 1e-11).
 */
function hash64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of encoder.encode(text)) h = BigInt.asUintN(64, (h ^ BigInt(byte)) * 0x100000001b3n);
  return h.toString(16).padStart(16, '0');
}

/**
 * An id as one key segment, one-to-one: letters, digits and "-" stay, every other UTF-8 byte is
 * `_XX` (hex). A long result keeps its start and ends in `_h<hash>`, which no escape produces.
 */
export function blobKeySegment(id: string): string {
  let out = '';
  for (const byte of encoder.encode(id)) {
    const char = String.fromCharCode(byte);
    out += /[A-Za-z0-9-]/.test(char) ? char : `_${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  if (out.length <= MAX_SEGMENT_CHARS) return out || '_';
  let head = out.slice(0, SHORTENED_CHARS);
  const lastEscape = head.lastIndexOf('_');
  if (lastEscape > head.length - 3) head = head.slice(0, lastEscape); // not half an escape
  return `${head}_h${hash64(id)}`;
}

/** The first `OUTPUT_PREVIEW_CHARS` characters, never ending on half a surrogate pair. */
export function outputPreview(text: string): string {
  let end = Math.min(text.length, OUTPUT_PREVIEW_CHARS);
  const last = text.charCodeAt(end - 1);
  if (end < text.length && last >= 0xd800 && last <= 0xdbff) end -= 1;
  return text.slice(0, end);
}

/** The whole text of an offloaded output. */
export async function readOffloadedOutput(blobs: BlobStore, ref: OutputBlob): Promise<string> {
  return new TextDecoder().decode(await readBlobBytes(blobs, ref.key, ref.bytes));
}

async function eachLimited<T, R>(items: readonly T[], fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(BLOB_CONCURRENCY, items.length) }, worker));
  return results;
}

/**
 * A RunStore whose case outputs above `thresholdBytes` live in `blobs`: the row keeps a preview
 * and `outputBlob`, and `listCaseResults` reads the whole text back, so callers of the port see
 * what they saved. The blob is written before the row (a failed put saves nothing); a resave
 * replaces it under the same key (one that now fits inline leaves it unused, with no request per
 * small save to find out), and `deleteRun` removes every blob of the run (again on a retry, since
 * deleting a missing run is a no-op).
 */
export function offloadLargeOutputs(store: RunStore, blobs: BlobStore, options: OffloadOptions): RunStore {
  const { thresholdBytes, keyPrefix } = options;
  if (!Number.isSafeInteger(thresholdBytes) || thresholdBytes < 1)
    throw invalidField('thresholdBytes', `thresholdBytes must be a positive integer, not ${thresholdBytes}`);
  if (keyPrefix !== '' && !keyPrefix.endsWith('/'))
    throw invalidField(
      'keyPrefix',
      `keyPrefix must be empty or end with "/", not ${JSON.stringify(keyPrefix)}`,
    );
  validateBlobPrefix(keyPrefix);
  const runPrefix = (runId: string) => `${keyPrefix}${blobKeySegment(runId)}/`;

  async function offload(runId: string, result: CaseResult, output: string, bytes: Uint8Array) {
    const key = `${runPrefix(runId)}${blobKeySegment(result.caseId)}`;
    try {
      await blobs.put(key, bytes, { contentType: OUTPUT_CONTENT_TYPE });
    } catch (error) {
      throw new LoomError(
        isLoomError(error) ? error.code : 'INTERNAL',
        `The output of case "${result.caseId}" (${bytes.byteLength} bytes) could not be stored in the blob store, so its result was not saved: ${error instanceof Error ? error.message : String(error)}`,
        { runId, caseId: result.caseId, key },
        { cause: error },
      );
    }
    try {
      await store.saveCaseResult(runId, {
        ...result,
        output: outputPreview(output),
        outputBlob: { key, bytes: bytes.byteLength },
      });
    } catch (error) {
      // No such run: no row can point at the blob just written.
      if (isLoomError(error, 'NOT_FOUND')) await blobs.delete(key).catch(() => undefined);
      throw error;
    }
  }

  return {
    ...store,

    async saveCaseResult(runId, input) {
      const parsed = caseResultSchema.safeParse(input);
      // A malformed result: the store rejects it in its own words, before any blob is written.
      if (!parsed.success) return store.saveCaseResult(runId, input);
      const { outputBlob: _stale, ...result } = parsed.data;
      if (result.output === undefined) return store.saveCaseResult(runId, result);
      const bytes = encoder.encode(result.output);
      if (bytes.byteLength <= thresholdBytes) return store.saveCaseResult(runId, result);
      return offload(runId, result, result.output, bytes);
    },

    async listCaseResults(runId) {
      return eachLimited(await store.listCaseResults(runId), async ({ outputBlob, ...result }) =>
        outputBlob ? { ...result, output: await readOffloadedOutput(blobs, outputBlob) } : result,
      );
    },

    async deleteRun(runId) {
      await store.deleteRun(runId);
      const listed = await blobs.list(runPrefix(runId));
      await eachLimited(listed, (blob) => blobs.delete(blob.key));
    },
  };
}

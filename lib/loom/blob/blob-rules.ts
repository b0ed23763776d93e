import { LoomError, invalidField } from '../core';
import type { BlobBody } from './blob';

/** Long enough for `workspace/suite/export-<id>.jsonl`, short of S3's 1024-byte limit with a prefix. */
export const MAX_BLOB_KEY_LENGTH = 512;
/** A segment is a file name: no leading dot (so no `.`, `..` or hidden temp files), no separators. */
const SEGMENT = /^[A-Za-z0-9_-][A-Za-z0-9._-]*$/;
const CONTENT_TYPE =
  /^[a-z0-9!#$&^_.+-]+\/[a-z0-9!#$&^_.+-]+(\s*;\s*[a-z0-9_.-]+=("[^"]*"|[a-z0-9_.+-]+))*$/i;
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
/** Signed download links are for "click and save", not for sharing. */
export const MAX_DOWNLOAD_URL_SECONDS = 3600;

/**
 * Keys are `/`-separated segments of letters, digits, `.`, `_` and `-`, no segment starting with
 * a dot: the same key is a safe relative path on disk and a plain S3 key.
 */
export function validateBlobKey(key: unknown): string {
  if (
    typeof key !== 'string' ||
    key.length === 0 ||
    key.length > MAX_BLOB_KEY_LENGTH ||
    !key.split('/').every((segment) => SEGMENT.test(segment))
  ) {
    throw invalidField(
      'key',
      `Invalid blob key ${JSON.stringify(key)}: use "/"-separated names of letters, digits, ".", "_" and "-", none starting with ".", at most ${MAX_BLOB_KEY_LENGTH} characters`,
    );
  }
  return key;
}

/** A listing prefix: empty, or a key prefix (a trailing `/` allowed). */
export function validateBlobPrefix(prefix: unknown): string {
  if (prefix === '') return prefix;
  if (typeof prefix === 'string') {
    const trimmed = prefix.endsWith('/') ? prefix.slice(0, -1) : prefix;
    if (trimmed.length > 0 && trimmed.length < MAX_BLOB_KEY_LENGTH) {
      const segments = trimmed.split('/');
      const last = segments.pop() ?? '';
      // The last segment may be a partial name, which may be empty only after a '/'.
      if (segments.every((s) => SEGMENT.test(s)) && /^[A-Za-z0-9._-]*$/.test(last) && !last.startsWith('.'))
        return prefix;
    }
  }
  throw invalidField('prefix', `Invalid blob prefix ${JSON.stringify(prefix)}`);
}

export function validateContentType(contentType: unknown): string {
  if (contentType === undefined) return DEFAULT_CONTENT_TYPE;
  if (typeof contentType !== 'string' || contentType.length > 200 || !CONTENT_TYPE.test(contentType)) {
    throw invalidField(
      'contentType',
      `Invalid content type ${JSON.stringify(contentType)}: use type/subtype`,
    );
  }
  return contentType;
}

export function validateExpiry(seconds: unknown): number {
  if (
    typeof seconds !== 'number' ||
    !Number.isInteger(seconds) ||
    seconds < 1 ||
    seconds > MAX_DOWNLOAD_URL_SECONDS
  ) {
    throw invalidField(
      'expiresInSeconds',
      `A download link lasts 1 to ${MAX_DOWNLOAD_URL_SECONDS} seconds, not ${String(seconds)}`,
    );
  }
  return seconds;
}

/** The limit a put is held to: the caller's, never above the store's. */
export function effectiveLimit(storeMaxBytes: number, requested: number | undefined): number {
  if (requested === undefined) return storeMaxBytes;
  if (!Number.isSafeInteger(requested) || requested < 0)
    throw invalidField('maxBytes', `maxBytes must be a non-negative integer, not ${String(requested)}`);
  return Math.min(storeMaxBytes, requested);
}

export function blobTooLarge(key: string, maxBytes: number): LoomError {
  return new LoomError(
    'INVALID_INPUT',
    `The blob "${key}" is larger than ${maxBytes} bytes; nothing was stored`,
    {
      key,
      maxBytes,
      issues: [{ path: 'body', message: `at most ${maxBytes} bytes` }],
    },
  );
}

export function blobNotFound(key: string): LoomError {
  return new LoomError('NOT_FOUND', `No blob "${key}"`, { key });
}

/**
 * Passes `body` through, failing with `blobTooLarge` as soon as more than `maxBytes` went by, so a
 * store never buffers or writes more than its limit.
 */
export function limitBody(
  key: string,
  body: ReadableStream<Uint8Array>,
  maxBytes: number,
): ReadableStream<Uint8Array> {
  let seen = 0;
  return body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > maxBytes) controller.error(blobTooLarge(key, maxBytes));
        else controller.enqueue(chunk);
      },
    }),
  );
}

/** Reads a body whole, held to `maxBytes`. */
export async function collectBody(
  key: string,
  body: BlobBody,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  if (body instanceof Uint8Array) {
    if (body.byteLength > maxBytes) throw blobTooLarge(key, maxBytes);
    return body;
  }
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = limitBody(key, body, maxBytes).getReader();
  try {
    for (;;) {
      if (signal?.aborted)
        throw new LoomError('CANCELLED', 'The operation was cancelled', {}, { cause: signal.reason });
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

/** A stream of bytes already in memory. */
export function bytesToStream(bytes: Uint8Array): ReadableStream<Uint8Array> {
  return new ReadableStream({
    start(controller) {
      if (bytes.byteLength > 0) controller.enqueue(bytes);
      controller.close();
    },
  });
}

/** The whole blob as bytes, held to `maxBytes`: for callers that need it in memory. */
export async function readBlobBytes(
  store: {
    get: (key: string, options?: { signal?: AbortSignal }) => Promise<{ body: ReadableStream<Uint8Array> }>;
  },
  key: string,
  maxBytes: number,
  signal?: AbortSignal,
): Promise<Uint8Array> {
  const { body } = await store.get(key, signal ? { signal } : {});
  return collectBody(key, body, maxBytes, signal);
}

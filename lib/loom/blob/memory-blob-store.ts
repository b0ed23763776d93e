import { throwIfAborted } from '../core';
import type { BlobBody, BlobListing, BlobMetadata, BlobStore, PutBlobOptions } from './blob';
import {
  blobNotFound,
  bytesToStream,
  collectBody,
  effectiveLimit,
  validateBlobKey,
  validateBlobPrefix,
  validateContentType,
  validateExpiry,
} from './blob-rules';

export interface MemoryBlobStoreOptions {
  /** The largest blob the store accepts. */
  maxBytes?: number;
  now?: () => Date;
}

/** Default for in-memory use: tests and small tools, not files of hundreds of megabytes. */
const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

/** An in-process store for tests: blobs are copied in and out, so callers never share bytes. */
export function createMemoryBlobStore(options: MemoryBlobStoreOptions = {}): BlobStore {
  const now = options.now ?? (() => new Date());
  const storeMax = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const blobs = new Map<string, { metadata: BlobMetadata; bytes: Uint8Array }>();
  const copyMetadata = (m: BlobMetadata): BlobMetadata => ({ ...m, updatedAt: new Date(m.updatedAt) });

  return {
    async put(key: string, body: BlobBody, putOptions: PutBlobOptions = {}) {
      throwIfAborted(putOptions.signal);
      validateBlobKey(key);
      const contentType = validateContentType(putOptions.contentType);
      const bytes = await collectBody(
        key,
        body,
        effectiveLimit(storeMax, putOptions.maxBytes),
        putOptions.signal,
      );
      throwIfAborted(putOptions.signal);
      const metadata: BlobMetadata = { key, size: bytes.byteLength, contentType, updatedAt: now() };
      blobs.set(key, { metadata, bytes: bytes.slice() });
      return copyMetadata(metadata);
    },
    async get(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const found = blobs.get(validateBlobKey(key));
      if (!found) throw blobNotFound(key);
      return { metadata: copyMetadata(found.metadata), body: bytesToStream(found.bytes.slice()) };
    },
    async stat(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const found = blobs.get(validateBlobKey(key));
      return found && copyMetadata(found.metadata);
    },
    async delete(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      blobs.delete(validateBlobKey(key));
    },
    async list(prefix, callOptions) {
      throwIfAborted(callOptions?.signal);
      validateBlobPrefix(prefix);
      return [...blobs.values()]
        .filter(({ metadata }) => metadata.key.startsWith(prefix))
        .map(({ metadata }): BlobListing => ({
          key: metadata.key,
          size: metadata.size,
          updatedAt: new Date(metadata.updatedAt),
        }))
        .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },
    async createDownloadUrl(key, urlOptions) {
      throwIfAborted(urlOptions.signal);
      validateBlobKey(key);
      validateExpiry(urlOptions.expiresInSeconds);
      return undefined;
    },
  };
}

export type {
  Blob,
  BlobBody,
  BlobCallOptions,
  BlobListing,
  BlobMetadata,
  BlobStore,
  DownloadUrlOptions,
  PutBlobOptions,
} from './blob';
export {
  DEFAULT_CONTENT_TYPE,
  MAX_BLOB_KEY_LENGTH,
  MAX_DOWNLOAD_URL_SECONDS,
  blobNotFound,
  blobTooLarge,
  bytesToStream,
  collectBody,
  effectiveLimit,
  limitBody,
  readBlobBytes,
  validateBlobKey,
  validateBlobPrefix,
  validateContentType,
  validateExpiry,
} from './blob-rules';
export { createMemoryBlobStore, type MemoryBlobStoreOptions } from './memory-blob-store';

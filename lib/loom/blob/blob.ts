/** What a store knows about one blob. */
export interface BlobMetadata {
  key: string;
  /** Bytes. */
  size: number;
  contentType: string;
  updatedAt: Date;
}

/** One entry of a listing: S3 lists no content types, so a listing does not promise one. */
export type BlobListing = Omit<BlobMetadata, 'contentType'>;

/** Bytes in memory, or a web stream for what should not be held whole. */
export type BlobBody = Uint8Array | ReadableStream<Uint8Array>;

export interface BlobCallOptions {
  signal?: AbortSignal;
}

export interface PutBlobOptions extends BlobCallOptions {
  /** `type/subtype`, optionally with parameters; `application/octet-stream` when absent. */
  contentType?: string;
  /** Refuse bodies larger than this (at most the store's own limit). */
  maxBytes?: number;
}

export interface DownloadUrlOptions extends BlobCallOptions {
  /** How long the URL works; at most `MAX_DOWNLOAD_URL_SECONDS`. */
  expiresInSeconds: number;
  /** The name the browser saves the file under. */
  filename?: string;
}

export interface Blob {
  metadata: BlobMetadata;
  body: ReadableStream<Uint8Array>;
}

/**
 * A store of immutable-per-write byte blobs under `/`-separated keys (see `validateBlobKey`).
 * A put replaces the whole blob atomically: readers see the old or the new bytes, never a mix.
 */
export interface BlobStore {
  /** Stores `body` under `key` (replacing it), or throws INVALID_INPUT (bad key, too large) having stored nothing. */
  put(key: string, body: BlobBody, options?: PutBlobOptions): Promise<BlobMetadata>;
  /** The blob's metadata and a stream of its bytes; NOT_FOUND when there is none. */
  get(key: string, options?: BlobCallOptions): Promise<Blob>;
  /** Metadata only; undefined when there is no such blob. */
  stat(key: string, options?: BlobCallOptions): Promise<BlobMetadata | undefined>;
  /** Removes the blob; removing a missing blob is not an error. */
  delete(key: string, options?: BlobCallOptions): Promise<void>;
  /** Every blob whose key starts with `prefix` (a plain string prefix, as in S3), sorted by key. */
  list(prefix: string, options?: BlobCallOptions): Promise<BlobListing[]>;
  /**
   * A short-lived URL a browser can download the blob from without the studio, when the store
   * can sign one (S3); undefined when it cannot (the studio then streams the blob itself).
   */
  createDownloadUrl(key: string, options: DownloadUrlOptions): Promise<string | undefined>;
}

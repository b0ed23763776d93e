import 'server-only';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { LoomError, throwIfAborted } from '@/lib/loom/core';
import {
  blobNotFound,
  collectBody,
  effectiveLimit,
  validateBlobKey,
  validateBlobPrefix,
  validateContentType,
  validateExpiry,
  DEFAULT_CONTENT_TYPE,
  type BlobBody,
  type BlobListing,
  type BlobStore,
  type PutBlobOptions,
} from '@/lib/loom/blob';

export interface S3Settings {
  /** The S3 endpoint; absent for AWS itself (then `region` picks it). */
  endpoint?: string;
  region: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://host/bucket/key` instead of `https://bucket.host/key`: what most S3-compatible servers need. */
  forcePathStyle?: boolean;
}

export interface S3BlobStoreOptions {
  client: S3Client;
  bucket: string;
  /** Every key is stored under this prefix (e.g. `loom/`), so one bucket can serve several things. */
  keyPrefix?: string;
  /** The largest blob the store accepts; a put holds it in memory (S3 needs the length up front). */
  maxBytes?: number;
}

/** Default: generous for suite files (imports are capped far lower), small enough to buffer. */
const DEFAULT_MAX_BYTES = 100 * 1024 * 1024;

/** An S3 client for AWS or any S3-compatible server (MinIO, Ceph, R2, s3rver in tests). */
export function createS3Client(settings: S3Settings): S3Client {
  return new S3Client({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    forcePathStyle: settings.forcePathStyle ?? false,
    ...(settings.accessKeyId && settings.secretAccessKey
      ? { credentials: { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey } }
      : {}),
    // Checksums only where S3 requires them: many S3-compatible servers reject the newer headers.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 3,
  });
}

function isNotFound(error: unknown): boolean {
  const e = error as { name?: string; $metadata?: { httpStatusCode?: number } } | undefined;
  return e?.name === 'NoSuchKey' || e?.name === 'NotFound' || e?.$metadata?.httpStatusCode === 404;
}

/** Loom's own errors pass; everything else means the store could not do it now. */
function toLoomError(error: unknown, key: string): unknown {
  if (error instanceof LoomError) return error;
  if ((error as { name?: string } | undefined)?.name === 'AbortError')
    return new LoomError('CANCELLED', 'The operation was cancelled', {}, { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new LoomError(
    'UNAVAILABLE',
    `The blob store (S3) failed on "${key}": ${message}`,
    { key },
    { cause: error },
  );
}

/** `attachment; filename="..."` with an RFC 5987 form for names that are not plain ASCII. */
function attachment(filename: string): string {
  const ascii = filename.replace(/[^\x20-\x7e]|["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

/**
 * Blobs in an S3 bucket under `keyPrefix`. A PutObject replaces an object atomically, so readers
 * see the old or the new bytes; downloads can go straight to S3 through a presigned GET.
 */
export function createS3BlobStore(options: S3BlobStoreOptions): BlobStore {
  const { client, bucket } = options;
  const keyPrefix = options.keyPrefix ?? '';
  const storeMax = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const objectKey = (key: string) => `${keyPrefix}${validateBlobKey(key)}`;

  async function send<T>(key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (isNotFound(error)) throw blobNotFound(key);
      throw toLoomError(error, key);
    }
  }

  return {
    async put(key: string, body: BlobBody, putOptions: PutBlobOptions = {}) {
      throwIfAborted(putOptions.signal);
      const Key = objectKey(key);
      const contentType = validateContentType(putOptions.contentType);
      const bytes = await collectBody(
        key,
        body,
        effectiveLimit(storeMax, putOptions.maxBytes),
        putOptions.signal,
      );
      throwIfAborted(putOptions.signal);
      await send(key, () =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key,
            Body: bytes,
            ContentType: contentType,
            ContentLength: bytes.byteLength,
          }),
          putOptions.signal ? { abortSignal: putOptions.signal } : {},
        ),
      );
      return { key, size: bytes.byteLength, contentType, updatedAt: new Date() };
    },

    async get(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const Key = objectKey(key);
      const output = await send(key, () =>
        client.send(
          new GetObjectCommand({ Bucket: bucket, Key }),
          callOptions?.signal ? { abortSignal: callOptions.signal } : {},
        ),
      );
      if (!output.Body) throw blobNotFound(key);
      return {
        metadata: {
          key,
          size: output.ContentLength ?? 0,
          contentType: output.ContentType ?? DEFAULT_CONTENT_TYPE,
          updatedAt: output.LastModified ?? new Date(0),
        },
        body: output.Body.transformToWebStream() as ReadableStream<Uint8Array>,
      };
    },

    async stat(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const Key = objectKey(key);
      try {
        const output = await send(key, () => client.send(new HeadObjectCommand({ Bucket: bucket, Key })));
        return {
          key,
          size: output.ContentLength ?? 0,
          contentType: output.ContentType ?? DEFAULT_CONTENT_TYPE,
          updatedAt: output.LastModified ?? new Date(0),
        };
      } catch (error) {
        if (error instanceof LoomError && error.code === 'NOT_FOUND') return undefined;
        throw error;
      }
    },

    async delete(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const Key = objectKey(key);
      // S3 answers 204 for a missing key too: deleting is idempotent as the port requires.
      await send(key, () => client.send(new DeleteObjectCommand({ Bucket: bucket, Key })));
    },

    async list(prefix, callOptions) {
      throwIfAborted(callOptions?.signal);
      validateBlobPrefix(prefix);
      const listings: BlobListing[] = [];
      let token: string | undefined;
      do {
        throwIfAborted(callOptions?.signal);
        const page = await send(prefix, () =>
          client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: `${keyPrefix}${prefix}`,
              ContinuationToken: token,
            }),
          ),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          listings.push({
            key: object.Key.slice(keyPrefix.length),
            size: object.Size ?? 0,
            updatedAt: object.LastModified ?? new Date(0),
          });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async createDownloadUrl(key, urlOptions) {
      throwIfAborted(urlOptions.signal);
      const Key = objectKey(key);
      const expiresIn = validateExpiry(urlOptions.expiresInSeconds);
      const command = new GetObjectCommand({
        Bucket: bucket,
        Key,
        ...(urlOptions.filename ? { ResponseContentDisposition: attachment(urlOptions.filename) } : {}),
      });
      // Signing is local (no request): the URL works for `expiresIn` seconds for whoever holds it.
      return send(key, () => getSignedUrl(client, command, { expiresIn }));
    },
  };
}

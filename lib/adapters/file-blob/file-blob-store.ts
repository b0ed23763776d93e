import 'server-only';
import { randomUUID } from 'node:crypto';
import { mkdir, open, readdir, rename, rmdir, stat, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { Readable } from 'node:stream';
import { LoomError, throwIfAborted } from '@/lib/loom/core';
import {
  blobNotFound,
  effectiveLimit,
  limitBody,
  bytesToStream,
  validateBlobKey,
  validateBlobPrefix,
  validateContentType,
  validateExpiry,
  type BlobBody,
  type BlobListing,
  type BlobMetadata,
  type BlobStore,
  type PutBlobOptions,
} from '@/lib/loom/blob';

export interface FileBlobStoreOptions {
  /** The directory blobs live under (created when missing, 0700). */
  root: string;
  /** The largest blob the store accepts. */
  maxBytes?: number;
}

/** Default: exports of the largest suites (20,000 cases) with room to spare. */
const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;
/** Files are named `<key>~`: `~` is outside the key alphabet, so a blob never shares a name with a directory. */
const SUFFIX = '~';
/** Writes in progress; the name starts with a dot, which no key segment may. */
const TEMP_DIR = '.tmp';
/** A temp file this old belongs to a writer that crashed. */
const STALE_TEMP_MS = 60 * 60 * 1000;
/** The header is one JSON line; content types are at most 200 characters, so this always holds it. */
const HEADER_READ_BYTES = 1024;

interface Header {
  contentType: string;
}

function encodeHeader(header: Header): Buffer {
  return Buffer.from(`${JSON.stringify(header)}\n`);
}

async function readHeader(handle: FileHandle, file: string): Promise<{ header: Header; length: number }> {
  const buffer = Buffer.alloc(HEADER_READ_BYTES);
  const { bytesRead } = await handle.read(buffer, 0, HEADER_READ_BYTES, 0);
  const end = buffer.subarray(0, bytesRead).indexOf(0x0a);
  if (end < 0) throw new LoomError('INTERNAL', `The blob file ${file} has no header`, { file });
  try {
    return { header: JSON.parse(buffer.subarray(0, end).toString('utf8')) as Header, length: end + 1 };
  } catch (error) {
    throw new LoomError(
      'INTERNAL',
      `The blob file ${file} has a corrupted header`,
      { file },
      { cause: error },
    );
  }
}

const isCode = (error: unknown, ...codes: string[]) =>
  typeof error === 'object' && error !== null && codes.includes((error as { code?: string }).code ?? '');

/**
 * Blobs as files under `root`: `<root>/<key>~` holds a one-line JSON header (content type) then the
 * bytes. A put streams into `<root>/.tmp/<uuid>`, fsyncs and renames over the old file, so a
 * reader sees the old or the new blob whole; a failed put removes its temp file. Keys are checked
 * by loom's `validateBlobKey` (no `..`, no leading dot or slash), and the resolved path is checked
 * to stay under `root` as well.
 */
export function createFileBlobStore(options: FileBlobStoreOptions): BlobStore {
  const root = path.resolve(options.root);
  const storeMax = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const tempDir = path.join(root, TEMP_DIR);
  let swept: Promise<void> | undefined;

  function fileOf(key: string): string {
    validateBlobKey(key);
    const file = path.resolve(root, `${key}${SUFFIX}`);
    // Belt and braces: validated keys cannot escape, but the path is what touches the disk.
    if (!file.startsWith(`${root}${path.sep}`))
      throw new Error(`invariant: blob key escapes the root: ${key}`);
    return file;
  }

  /** Removes temp files of crashed writers, once per process. */
  function sweepTemp(): Promise<void> {
    swept ??= (async () => {
      const names = await readdir(tempDir).catch(() => [] as string[]);
      const cutoff = Date.now() - STALE_TEMP_MS;
      for (const name of names) {
        const file = path.join(tempDir, name);
        const info = await stat(file).catch(() => undefined);
        if (info && info.mtimeMs < cutoff) await unlink(file).catch(() => undefined);
      }
    })();
    return swept;
  }

  async function writeTemp(
    key: string,
    body: BlobBody,
    header: Header,
    maxBytes: number,
    signal?: AbortSignal,
  ) {
    await mkdir(tempDir, { recursive: true, mode: 0o700 });
    const temp = path.join(tempDir, randomUUID());
    const handle = await open(temp, 'wx', 0o600);
    let size = 0;
    try {
      await handle.write(encodeHeader(header));
      const stream = limitBody(key, body instanceof Uint8Array ? bytesToStream(body) : body, maxBytes);
      const reader = stream.getReader();
      try {
        for (;;) {
          throwIfAborted(signal);
          const { done, value } = await reader.read();
          if (done) break;
          await handle.write(value);
          size += value.byteLength;
        }
      } catch (error) {
        await reader.cancel().catch(() => undefined);
        throw error;
      }
      await handle.sync();
      await handle.close();
      return { temp, size };
    } catch (error) {
      await handle.close().catch(() => undefined);
      await unlink(temp).catch(() => undefined);
      throw error;
    }
  }

  async function metadataOf(
    key: string,
    handle: FileHandle,
    file: string,
  ): Promise<BlobMetadata & { offset: number }> {
    const [{ header, length }, info] = await Promise.all([readHeader(handle, file), handle.stat()]);
    return {
      key,
      size: info.size - length,
      contentType: header.contentType,
      updatedAt: info.mtime,
      offset: length,
    };
  }

  async function openBlob(key: string): Promise<FileHandle | undefined> {
    try {
      return await open(fileOf(key), 'r');
    } catch (error) {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return undefined;
      throw error;
    }
  }

  async function walk(dir: string, found: string[]): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true }).catch((error: unknown) => {
      if (isCode(error, 'ENOENT', 'ENOTDIR')) return [];
      throw error;
    });
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) await walk(full, found);
      else if (entry.isFile() && entry.name.endsWith(SUFFIX)) found.push(full);
    }
  }

  return {
    async put(key: string, body: BlobBody, putOptions: PutBlobOptions = {}) {
      throwIfAborted(putOptions.signal);
      const file = fileOf(key);
      const contentType = validateContentType(putOptions.contentType);
      const maxBytes = effectiveLimit(storeMax, putOptions.maxBytes);
      await sweepTemp();
      const { temp, size } = await writeTemp(key, body, { contentType }, maxBytes, putOptions.signal);
      try {
        throwIfAborted(putOptions.signal);
        // A concurrent delete may remove the (empty) parent between mkdir and rename: try again.
        for (let attempt = 0; ; attempt++) {
          await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
          try {
            await rename(temp, file);
            break;
          } catch (error) {
            if (!isCode(error, 'ENOENT') || attempt >= 3) throw error;
          }
        }
      } catch (error) {
        await unlink(temp).catch(() => undefined);
        throw error;
      }
      const info = await stat(file);
      return { key, size, contentType, updatedAt: info.mtime };
    },

    async get(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const handle = await openBlob(key);
      if (!handle) throw blobNotFound(key);
      try {
        const { offset, ...metadata } = await metadataOf(key, handle, fileOf(key));
        // The open handle keeps reading this version even if a put replaces the file meanwhile.
        const stream = handle.createReadStream({ start: offset, autoClose: true });
        return { metadata, body: Readable.toWeb(stream) as ReadableStream<Uint8Array> };
      } catch (error) {
        await handle.close().catch(() => undefined);
        throw error;
      }
    },

    async stat(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const handle = await openBlob(key);
      if (!handle) return undefined;
      try {
        const { offset: _offset, ...metadata } = await metadataOf(key, handle, fileOf(key));
        return metadata;
      } finally {
        await handle.close();
      }
    },

    async delete(key, callOptions) {
      throwIfAborted(callOptions?.signal);
      const file = fileOf(key);
      try {
        await unlink(file);
      } catch (error) {
        if (isCode(error, 'ENOENT', 'ENOTDIR')) return;
        throw error;
      }
      // Empty folders go too, so the tree mirrors the keys; a folder in use stays (ENOTEMPTY).
      for (let dir = path.dirname(file); dir !== root && dir.startsWith(root); dir = path.dirname(dir)) {
        try {
          await rmdir(dir);
        } catch {
          break;
        }
      }
    },

    async list(prefix, callOptions) {
      throwIfAborted(callOptions?.signal);
      validateBlobPrefix(prefix);
      const slash = prefix.lastIndexOf('/');
      const start = slash < 0 ? root : path.join(root, prefix.slice(0, slash));
      const files: string[] = [];
      await walk(start, files);
      const listings: BlobListing[] = [];
      for (const file of files) {
        const key = path.relative(root, file).slice(0, -SUFFIX.length).split(path.sep).join('/');
        if (!key.startsWith(prefix)) continue;
        const handle = await open(file, 'r').catch(() => undefined);
        if (!handle) continue; // deleted while listing
        try {
          const { offset: _offset, contentType: _type, ...listing } = await metadataOf(key, handle, file);
          listings.push(listing);
        } finally {
          await handle.close();
        }
      }
      return listings.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    },

    async createDownloadUrl(key, urlOptions) {
      throwIfAborted(urlOptions.signal);
      validateBlobKey(key);
      validateExpiry(urlOptions.expiresInSeconds);
      // Files have no URL of their own: the studio streams them with the session checked.
      return undefined;
    },
  };
}

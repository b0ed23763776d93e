import 'server-only';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { BlobStore } from '@/lib/loom/blob';
import type { ImportFormat } from '@/components/suites/types';
import { LoomError } from '@/lib/loom/core';
import { logger } from '../logger';
import { EXPORT_CONTENT_TYPES, exportFilename, exportSuiteCases } from './case-transfer';
import { getSuite, loadPromptVariables } from './suites';

// Suite files in the blob store (S3 or LOOM_DATA_DIR/blobs): the file each import came from, kept
// with the revision it made, and exports.
//
// Exports (S3 or LOOM_DATA_DIR/blobs). A revision's cases never
// change, but the CSV's columns follow the target prompt's latest variables, so an export is one
// file per (revision, prompt version, format): made once, then served as it is. With S3 the browser
// downloads it from the bucket through a short-lived signed link; otherwise the studio streams it.

/** A signed link only has to start the download: too short to be worth sharing. */
export const EXPORT_LINK_SECONDS = 60;

export interface SuiteExportFile {
  key: string;
  filename: string;
  contentType: string;
}

/** The export file of a revision (the latest without `revision`), written to the store on first use. */
export async function prepareSuiteExport(
  db: PrismaClient,
  blobs: BlobStore,
  workspaceId: string,
  suiteId: string,
  format: ImportFormat,
  revision?: number,
): Promise<SuiteExportFile> {
  const suite = await getSuite(db, workspaceId, suiteId);
  const chosen = revision ?? suite.revision;
  const prompt = await loadPromptVariables(db, workspaceId, suite.promptId).catch(() => undefined);
  const key = `${suitePrefix(workspaceId, suite.id)}/exports/r${chosen}-p${prompt?.latestVersion ?? 0}.${format}`;
  const file = {
    key,
    filename: exportFilename(suite.name, chosen, format),
    contentType: EXPORT_CONTENT_TYPES[format],
  };
  if (await blobs.stat(key)) return file;
  // Throws NOT_FOUND for a revision the suite does not have, before anything is stored.
  const made = await exportSuiteCases(db, workspaceId, suiteId, format, chosen);
  await blobs.put(key, made.body, { contentType: made.contentType });
  return file;
}

/** The download: a redirect to a signed link when the store can sign one, else the bytes themselves. */
export async function suiteExportResponse(blobs: BlobStore, file: SuiteExportFile): Promise<Response> {
  const url = await blobs.createDownloadUrl(file.key, {
    expiresInSeconds: EXPORT_LINK_SECONDS,
    filename: file.filename,
  });
  if (url !== undefined) {
    return new Response(null, { status: 303, headers: { location: url, 'cache-control': 'no-store' } });
  }
  const blob = await blobs.get(file.key);
  return new Response(blob.body, {
    headers: {
      'content-type': file.contentType,
      'content-length': String(blob.metadata.size),
      'content-disposition': `attachment; filename="${file.filename}"`,
      'cache-control': 'no-store',
    },
  });
}

const suitePrefix = (workspaceId: string, suiteId: string) => `workspaces/${workspaceId}/suites/${suiteId}`;
const IMPORT_FILE = /\/imports\/r(\d+)\.(csv|jsonl)$/;

/**
 * Keeps the file an import read, as the source of the revision it made. The import is already
 * committed: a store that fails loses only the copy, so it is logged, not thrown.
 */
export async function keepImportSource(
  blobs: BlobStore,
  workspaceId: string,
  suiteId: string,
  revision: number,
  format: ImportFormat,
  text: string,
): Promise<void> {
  const key = `${suitePrefix(workspaceId, suiteId)}/imports/r${revision}.${format}`;
  try {
    await blobs.put(key, new TextEncoder().encode(text), { contentType: EXPORT_CONTENT_TYPES[format] });
  } catch (error) {
    logger.warn({ error, suiteId, revision }, 'the imported file was not kept');
  }
}

/** Revisions of a suite whose imported file is kept, with its format (one listing, not a lookup each). */
export async function listImportSources(
  blobs: BlobStore,
  workspaceId: string,
  suiteId: string,
): Promise<Map<number, ImportFormat>> {
  const sources = new Map<number, ImportFormat>();
  for (const blob of await blobs.list(`${suitePrefix(workspaceId, suiteId)}/imports/`)) {
    const match = IMPORT_FILE.exec(blob.key);
    if (match) sources.set(Number(match[1]), match[2] as ImportFormat);
  }
  return sources;
}

/** The file revision `revision` was imported from; NOT_FOUND when it was not made by an import. */
export async function getImportSource(
  db: PrismaClient,
  blobs: BlobStore,
  workspaceId: string,
  suiteId: string,
  revision: number,
): Promise<SuiteExportFile> {
  const suite = await getSuite(db, workspaceId, suiteId);
  const format = (await listImportSources(blobs, workspaceId, suite.id)).get(revision);
  if (!format) {
    throw new LoomError('NOT_FOUND', `Revision ${revision} of this suite was not made by an import.`, {
      suiteId,
      revision,
    });
  }
  return {
    key: `${suitePrefix(workspaceId, suite.id)}/imports/r${revision}.${format}`,
    filename: exportFilename(suite.name, revision, format).replace(/(\.\w+)$/, '-imported$1'),
    contentType: EXPORT_CONTENT_TYPES[format],
  };
}

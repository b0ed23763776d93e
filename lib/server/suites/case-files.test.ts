// Suite exports through the blob store, against real PostgreSQL and each store: the file system
// (streamed by the studio) and S3 on s3rver (a signed link the browser follows).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileBlobStore } from '@/lib/adapters/file-blob';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { createS3BlobStore, createS3Client } from '@/lib/adapters/s3';
import type { BlobStore } from '@/lib/loom/blob';
import { createTestDatabase, type TestDatabase } from '@/test/db';
import { startTestS3, type TestS3 } from '@/test/s3';
import { prepareSuiteExport, suiteExportResponse } from './case-files';
import { exportSuiteCases, importSuiteCases } from './case-transfer';
import { createSuite, createSuiteSchema } from './suites';

let db: TestDatabase;
let s3: TestS3;
let root: string;
let workspaceId: string;
let suiteId: string;
const actor = () => ({ workspaceId, email: 'ana@x.test' });
const CSV = 'id,q\na,first\nb,second\n';

beforeAll(async () => {
  [db, s3, root] = await Promise.all([
    createTestDatabase({ kind: 'postgres' }),
    startTestS3(),
    mkdtemp(path.join(tmpdir(), 'loom-case-files-')),
  ]);
  workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
  await createPrismaRegistry(db.prisma, workspaceId).save({
    id: 'p',
    version: 0,
    name: 'P',
    user: '{{ q }}',
    variables: [{ name: 'q', type: 'string', required: true }],
  });
  suiteId = (
    await createSuite(db.prisma, actor(), createSuiteSchema.parse({ name: 'My Suite!', promptId: 'p' }))
  ).id;
  await importSuiteCases(db.prisma, actor(), {
    suiteId,
    expectedRevision: 1,
    format: 'csv',
    mode: 'append',
    text: CSV,
  });
});
afterAll(async () => {
  await Promise.all([db.close(), s3.stop(), rm(root, { recursive: true, force: true })]);
});

const stores: [string, () => BlobStore][] = [
  ['file system', () => createFileBlobStore({ root })],
  [
    's3',
    () => createS3BlobStore({ client: createS3Client(s3.settings), bucket: s3.bucket, keyPrefix: 'studio/' }),
  ],
];

describe.each(stores)('suite exports on %s', (kind, makeStore) => {
  it('makes the file once per revision and serves the same bytes afterwards', async () => {
    const blobs = makeStore();
    const file = await prepareSuiteExport(db.prisma, blobs, workspaceId, suiteId, 'csv', 2);
    expect(file).toMatchObject({ filename: 'my-suite-r2.csv', contentType: 'text/csv; charset=utf-8' });
    expect(file.key).toMatch(
      new RegExp(`^workspaces/${workspaceId}/suites/${suiteId}/exports/r2-p\\d+\\.csv$`),
    );
    const expected = await new Response(
      (await exportSuiteCases(db.prisma, workspaceId, suiteId, 'csv', 2)).body,
    ).text();
    expect(expected).toContain('first');
    const first = await blobs.stat(file.key);
    expect(first?.size).toBe(Buffer.byteLength(expected));
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    // Served from the store: not written again.
    await prepareSuiteExport(db.prisma, blobs, workspaceId, suiteId, 'csv', 2);
    expect((await blobs.stat(file.key))?.updatedAt.getTime()).toBe(first?.updatedAt.getTime());

    const response = await suiteExportResponse(blobs, file);
    expect(response.headers.get('cache-control')).toBe('no-store');
    if (kind === 's3') {
      expect(response.status).toBe(303);
      const location = response.headers.get('location') ?? '';
      expect(location).toMatch(/X-Amz-Expires=60/);
      const download = await fetch(location);
      expect(download.headers.get('content-disposition')).toContain('my-suite-r2.csv');
      expect(await download.text()).toBe(expected);
    } else {
      expect(response.status).toBe(200);
      expect(response.headers.get('content-disposition')).toBe('attachment; filename="my-suite-r2.csv"');
      expect(await response.text()).toBe(expected);
    }
  });

  it('makes a new file when the prompt gains a version (CSV columns follow its variables)', async () => {
    const blobs = makeStore();
    const before = await prepareSuiteExport(db.prisma, blobs, workspaceId, suiteId, 'jsonl');
    await createPrismaRegistry(db.prisma, workspaceId).save({
      id: 'p',
      version: 0,
      name: 'P',
      user: '{{ q }} {{ extra }}',
      variables: [
        { name: 'q', type: 'string', required: true },
        { name: 'extra', type: 'string', required: false },
      ],
    });
    const after = await prepareSuiteExport(db.prisma, blobs, workspaceId, suiteId, 'csv');
    expect(after.key).not.toBe(before.key);
    const blob = await blobs.get(after.key);
    expect((await new Response(blob.body).text()).split(/\r?\n/)[0]).toBe('id,q,extra,expected,tags,notes');
  });

  it('stores nothing for a revision or suite that does not exist', async () => {
    const blobs = makeStore();
    await expect(prepareSuiteExport(db.prisma, blobs, workspaceId, suiteId, 'csv', 99)).rejects.toMatchObject(
      {
        code: 'NOT_FOUND',
      },
    );
    await expect(prepareSuiteExport(db.prisma, blobs, 'other', suiteId, 'csv')).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    expect((await blobs.list(`workspaces/${workspaceId}/suites/${suiteId}/exports/r99`)).length).toBe(0);
  });
});

describe('imported files', () => {
  it('keeps the file of each import with its revision and gives it back; other revisions have none', async () => {
    const { keepImportSource, listImportSources, getImportSource } = await import('./case-files');
    const blobs = createFileBlobStore({ root: path.join(root, 'imports') });
    const jsonl = '{"id":"c","input":{"q":"third"}}\n';
    const result = await importSuiteCases(db.prisma, actor(), {
      suiteId,
      expectedRevision: (await db.prisma.suite.findFirstOrThrow({ where: { id: suiteId } })).revision,
      format: 'jsonl',
      mode: 'append',
      text: jsonl,
    });
    await keepImportSource(blobs, workspaceId, suiteId, result.revision, 'jsonl', jsonl);
    expect([...(await listImportSources(blobs, workspaceId, suiteId))]).toEqual([[result.revision, 'jsonl']]);
    const file = await getImportSource(db.prisma, blobs, workspaceId, suiteId, result.revision);
    expect(file.filename).toBe(`my-suite-r${result.revision}-imported.jsonl`);
    const response = await suiteExportResponse(blobs, file);
    expect(await response.text()).toBe(jsonl);
    await expect(getImportSource(db.prisma, blobs, workspaceId, suiteId, 1)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await expect(getImportSource(db.prisma, blobs, 'other', suiteId, result.revision)).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });
});

// Large case outputs in the blob store, end to end: a suite run against the loopback fake LLM server
// whose reply is 100 KB, on the real PostgreSQL with the file blob store (LOOM_DATA_DIR in a temp
// dir). Only the database handle is injected; the job queue is a recording fake.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startFakeLlmServer, type FakeLlmServer } from '@/lib/adapters/fake-llm';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import type { PrismaClient } from '@/lib/generated/prisma/client';
import type { Viewer } from '@/lib/server/auth/session';
import { createTestDatabase, type TestDatabase } from '@/test/db';

const session = vi.hoisted(() => ({ prisma: undefined as unknown }));
vi.mock('@/lib/server/db', () => ({ getPrisma: async () => session.prisma }));

const { startRuns } = await import('./runs');
const { createEvalRunHandler } = await import('./run-job');
const { loadCaseDetail } = await import('./run-cases');
const { getCompareCase } = await import('./compare');
const { createSuiteRunStore, getBlobStore } = await import('../loom');

/** About 100,000 characters (more bytes: "✓" is three), ending in a word the preview does not hold. */
const BIG = `${'lorem ipsum dolor sit amet ✓ '.repeat(3448)}tail`;
const BIG_BYTES = new TextEncoder().encode(BIG).byteLength;

let fake: FakeLlmServer;
let dataDir: string;
let db: TestDatabase;
let prisma: PrismaClient;
let workspaceId: string;

beforeAll(async () => {
  fake = await startFakeLlmServer();
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'loom-run-outputs-'));
  // Read once, on the first use of the environment.
  process.env.LOOM_SIMULATOR_URL = fake.url;
  process.env.LOOM_DATA_DIR = dataDir;
  db = await createTestDatabase({ kind: 'postgres' });
  prisma = db.prisma;
  session.prisma = prisma;
  workspaceId = (await prisma.workspace.create({ data: { slug: 'w-outputs', name: 'W' } })).id;
  await prisma.providerConfig.create({
    data: { workspaceId, name: 'simulator', kind: 'openai', isSimulator: true, baseUrl: 'http://stale:1/v1' },
  });
  const registry = createPrismaRegistry(prisma, workspaceId);
  await registry.save(
    {
      id: 'essay',
      version: 0,
      name: 'Essay',
      user: 'Write at length about {{ text }}',
      variables: [{ name: 'text', type: 'string', required: true }],
      model: { provider: 'simulator', model: 'gpt-4o-mini' },
    },
    { author: 'eve@x.test' },
  );
  await prisma.suite.create({
    data: {
      workspaceId,
      id: 'essays',
      name: 'Essays',
      promptId: 'essay',
      revision: 1,
      updatedAt: new Date(),
    },
  });
  await prisma.suiteRevision.create({
    data: { workspaceId, suiteId: 'essays', revision: 1, evaluators: [{ kind: 'contains' }], caseCount: 1 },
  });
  await prisma.suiteCase.create({
    data: {
      workspaceId,
      suiteId: 'essays',
      revision: 1,
      caseId: 'long-one',
      position: 0,
      input: { text: 'outputs' },
      expected: 'tail',
      tags: [],
    },
  });
  fake.setScript({ rules: [{ content: 'Write at length', reply: BIG }] });
});
afterAll(async () => {
  await fake?.close();
  await db?.close();
  await rm(dataDir, { recursive: true, force: true });
});

const viewer: Viewer = {
  userId: 'u1',
  email: 'eve@x.test',
  name: 'Eve',
  workspaceId: '',
  workspaceName: 'W',
  role: 'editor',
};
const handler = createEvalRunHandler({ cancelPollMs: 40, heartbeatMs: 100 });

/** Starts and executes one run of the suite; its id. */
async function run(): Promise<string> {
  const queue = { send: async () => 'job-id' };
  const started = await startRuns({ ...viewer, workspaceId }, { suiteId: 'essays', versions: [1] }, queue);
  const runId = started.runs[0]!.id;
  await handler({ workspaceId, runId }, { jobId: `job-${runId}`, signal: new AbortController().signal });
  return runId;
}

const storedRow = async (runId: string) =>
  (
    await prisma.$queryRaw<
      { outputChars: number; rowBytes: number; outputBlob: { key: string; bytes: number } | null }[]
    >`
      SELECT length("result"->>'output')::int AS "outputChars", octet_length("result"::text)::int AS "rowBytes",
        "result"->'outputBlob' AS "outputBlob"
      FROM "SuiteCaseResult" WHERE "workspaceId" = ${workspaceId} AND "runId" = ${runId}`
  )[0];

describe('suite-run outputs above LOOM_RUN_OUTPUT_INLINE_BYTES', () => {
  it('keeps a small row, shows the whole 100 KB output in the case drawer and the comparison, and deletes the blob with the run', async () => {
    const first = await run();
    const row = await storedRow(first);
    expect(row?.outputChars).toBeLessThanOrEqual(2000);
    expect(row?.rowBytes).toBeLessThan(10_000);
    expect(row?.outputBlob).toEqual({
      key: expect.stringMatching(`^run-outputs/${workspaceId}/`),
      bytes: BIG_BYTES,
    });
    expect(await getBlobStore().stat(row!.outputBlob!.key)).toMatchObject({ size: BIG_BYTES });

    const detail = await loadCaseDetail(prisma, workspaceId, first, 'long-one');
    expect(detail.output).toBe(BIG);
    // The "contains tail" evaluator saw the whole output, past the preview.
    expect(detail.automated).toBe('pass');

    const second = await run();
    const compared = await getCompareCase(
      prisma,
      { workspaceId, role: 'editor' },
      { suiteId: 'essays', baselineRunId: first, runIds: [second], caseId: 'long-one' },
    );
    expect(compared.sides.map((s) => s.output)).toEqual([BIG, BIG]);

    await createSuiteRunStore(prisma, workspaceId).deleteRun(first);
    expect(await storedRow(first)).toBeUndefined();
    expect(await getBlobStore().stat(row!.outputBlob!.key)).toBeUndefined();
    expect(await getBlobStore().list(`run-outputs/${workspaceId}/`)).toHaveLength(1); // the second run's
  });

  it('shows the preview with a note when the blob has gone missing', async () => {
    const runId = await run();
    const row = await storedRow(runId);
    await getBlobStore().delete(row!.outputBlob!.key);
    const detail = await loadCaseDetail(prisma, workspaceId, runId, 'long-one');
    expect(detail.output).toBe(
      `${BIG.slice(0, 2000)}\n\n[The rest of this output (${BIG_BYTES} bytes in all) is missing from the blob store.]`,
    );
  });
});

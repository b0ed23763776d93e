// The demo workspace's experiment on fresh databases: it is running with two weeks of traffic, the
// results page shows it mid-flight (no sample-ratio mismatch, guardrails from its run records),
// seeding again adds nothing, and a workspace without the demo prompts gets no experiment.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { loadExperimentResults } from '../experiments/results';
import { seedDemoWorkspace } from './demo';
import { DEMO_EXPERIMENT_ID, seedDemoExperiment } from './demo-experiment';
import { ensureSeed } from './seed';

const env = {
  LOOM_ADMIN_EMAIL: 'admin@loom.local',
  LOOM_ADMIN_PASSWORD: 'first-start-password',
  LOOM_SIMULATOR_URL: 'http://127.0.0.1:45678',
};

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('demo experiment on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    await ensureSeed(db.prisma, env);
    workspaceId = (await db.prisma.workspace.findFirstOrThrow()).id;
  }, 120_000);
  afterAll(() => db.close());

  it('ships a running experiment with recorded traffic that the results page reads', async () => {
    const results = await loadExperimentResults(
      db.prisma,
      { workspaceId, role: 'viewer' },
      DEMO_EXPERIMENT_ID,
    );
    expect(results.experiment).toMatchObject({ phase: 'running', promptId: 'classify-intent' });
    expect(results.variants.map((v) => v.exposures)).toEqual([4200, 4200]);
    expect(results.variants[0]!.value).toBeGreaterThan(0.55);
    expect(results.variants[1]!.value).toBeGreaterThan(results.variants[0]!.value);
    expect(results.srm?.mismatch).toBe(false);
    expect(results.exposuresOverTime.length).toBeGreaterThanOrEqual(14);
    expect(results.guardrails.every((g) => g.calls === 4200)).toBe(true);
    expect(results.verdict.status).not.toBe('srm');
  });

  it('adds nothing when seeded again, and nothing to a workspace without the demo prompt', async () => {
    const before = await db.prisma.experimentExposure.count();
    await seedDemoWorkspace(db.prisma, workspaceId, env, 'again@loom.local');
    expect(await db.prisma.experimentExposure.count()).toBe(before);
    const other = (await db.prisma.workspace.create({ data: { slug: 'empty', name: 'Empty' } })).id;
    await seedDemoExperiment(db.prisma, other, 'x@loom.local');
    expect(await db.prisma.experimentDefinition.count({ where: { workspaceId: other } })).toBe(0);
  });
});

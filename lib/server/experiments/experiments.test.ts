// Experiments in the studio against the real PostgreSQL server and the embedded PGlite: setup
// validation, one live experiment per prompt (enforced by the database), lifecycle and roles,
// serving and outcomes, the results loader's figures against hand-computed ones, Promote winner.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createPrismaRegistry } from '@/lib/adapters/prisma/registry';
import { isLoomError } from '@/lib/loom/core';
import { createTestDatabase, type TestDatabase, type TestDatabaseKind } from '@/test/db';
import { saveGate } from '../suites/gate';
import { loadDailyStats, statsFrom } from './daily-stats';
import { flushExposures } from './exposures';
import { forgetLiveExperiments } from './live';
import { promoteWinner } from './promote';
import { loadExperimentResults } from './results';
import { chooseServedVariant, recordExperimentOutcome } from './serving';
import {
  changeExperimentPhase,
  createExperiment,
  updateExperiment,
  type ExperimentSetupInput,
} from './setup';

type Role = 'admin' | 'editor' | 'viewer';

describe.each<TestDatabaseKind>(['postgres', 'pglite'])('experiments on %s', (kind) => {
  let db: TestDatabase;
  let workspaceId: string;
  const actor = (role: Role) => ({ workspaceId, userId: `u-${role}`, email: `${role}@x.test`, role });
  const registry = () => createPrismaRegistry(db.prisma, workspaceId);
  const production = async () => (await registry().findByLabel('faq', 'production'))?.version;
  const setup = (overrides: Partial<ExperimentSetupInput> = {}): ExperimentSetupInput => ({
    promptId: 'faq',
    name: 'Shorter greeting',
    variants: [
      { version: 1, weight: 1 },
      { version: 2, weight: 1 },
    ],
    trafficPercent: 100,
    metric: { kind: 'binary', goal: 'increase' },
    baseline: 10,
    standardDeviation: null,
    minimumDetectableEffectPercent: 20,
    powerPercent: 80,
    confidencePercent: 95,
    minSamplesPerArm: 100,
    guardrails: { latencyP95Ms: 2000, costPerCallUsd: null, errorRatePercent: 5 },
    autoPromote: false,
    ...overrides,
  });
  const code = (expected: string) => (error: unknown) => isLoomError(error) && error.code === expected;

  /** Bulk traffic: `exposures` units per variant, the first `conversions` of them converting. */
  async function seedTraffic(
    experimentId: string,
    arms: { variant: string; exposures: number; conversions: number }[],
  ) {
    for (const arm of arms) {
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "ExperimentExposure" ("workspaceId", "experimentId", "unitId", "variant")
         SELECT $1, $2, $3 || '-' || g, $3 FROM generate_series(1, $4::int) g`,
        workspaceId,
        experimentId,
        arm.variant,
        arm.exposures,
      );
      await db.prisma.$executeRawUnsafe(
        `INSERT INTO "ExperimentOutcome" ("workspaceId", "experimentId", "unitId", "variant", "value")
         SELECT $1, $2, $3 || '-' || g, $3, 1 FROM generate_series(1, $4::int) g`,
        workspaceId,
        experimentId,
        arm.variant,
        arm.conversions,
      );
    }
  }

  beforeAll(async () => {
    db = await createTestDatabase({ kind });
    workspaceId = (await db.prisma.workspace.create({ data: { slug: 'w', name: 'W' } })).id;
    for (const user of ['one', 'two', 'three'])
      await registry().save({ id: 'faq', version: 0, name: 'FAQ', user });
    await registry().save({ id: 'other', version: 0, name: 'Other', user: 'x' });
  }, 120_000);
  afterAll(() => db.close());
  beforeEach(async () => {
    await flushExposures();
    forgetLiveExperiments();
    await db.prisma.experimentDefinition.deleteMany({});
    await db.prisma.promotionGate.deleteMany({});
    await db.prisma.auditEvent.deleteMany({});
    await db.prisma.webhookDelivery.deleteMany({});
    await registry().setLabel('faq', 'production', 1);
  });

  it('refuses variants that are not versions of the prompt, and shows the planned sample', async () => {
    await expect(
      createExperiment(
        db.prisma,
        actor('editor'),
        setup({
          variants: [
            { version: 1, weight: 1 },
            { version: 9, weight: 1 },
          ],
        }),
      ),
    ).rejects.toSatisfy(
      (error: unknown) =>
        isLoomError(error, 'INVALID_INPUT') &&
        JSON.stringify(error.details).includes('Prompt \\"faq\\" has no version 9.'),
    );
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    expect(created).toMatchObject({ phase: 'draft', trafficShare: 1, promptId: 'faq' });
    // 10% → 12% at 95% and 80% power, through the always-valid boundary (loom's plannedSampleSize).
    expect(created.plannedSamplesPerArm).toBeGreaterThan(3000);
    await expect(createExperiment(db.prisma, actor('viewer'), setup())).rejects.toSatisfy(code('FORBIDDEN'));
    await expect(
      createExperiment(db.prisma, actor('editor'), setup({ autoPromote: true })),
    ).rejects.toSatisfy(code('FORBIDDEN'));
  });

  it('allows one live experiment per prompt, enforced by the database', async () => {
    const first = await createExperiment(db.prisma, actor('editor'), setup());
    const second = await createExperiment(db.prisma, actor('editor'), setup({ name: 'Second' }));
    const results = await Promise.allSettled([
      changeExperimentPhase(db.prisma, actor('editor'), { id: first.id, action: 'start' }),
      changeExperimentPhase(db.prisma, actor('editor'), { id: second.id, action: 'start' }),
    ]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const refused = results.find((r) => r.status === 'rejected');
    expect(String((refused as PromiseRejectedResult).reason.message)).toMatch(
      /Prompt "faq" already has a running experiment/,
    );
    // Bypassing the code: the partial unique index still refuses.
    await expect(
      db.prisma.experimentDefinition.updateMany({
        where: { workspaceId, status: 'draft' },
        data: { status: 'running' },
      }),
    ).rejects.toThrow();
  });

  it('runs the lifecycle for roles that may promote, refuses edits once started', async () => {
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    await expect(
      changeExperimentPhase(db.prisma, actor('viewer'), { id: created.id, action: 'start' }),
    ).rejects.toSatisfy(code('FORBIDDEN'));
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    await expect(
      updateExperiment(
        db.prisma,
        actor('editor'),
        created.id,
        setup({
          variants: [
            { version: 1, weight: 1 },
            { version: 3, weight: 1 },
          ],
        }),
      ),
    ).rejects.toSatisfy(
      (error: unknown) => isLoomError(error, 'CONFLICT') && /cannot change once started/.test(error.message),
    );
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'pause' });
    expect(
      await chooseServedVariant(db.prisma, workspaceId, { promptId: 'faq', unitId: 'u1' }),
    ).toBeUndefined();
    await changeExperimentPhase(db.prisma, actor('admin'), { id: created.id, action: 'resume' });
    await expect(
      changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'stop' }),
    ).rejects.toSatisfy(code('INVALID_INPUT'));
    const stopped = await changeExperimentPhase(db.prisma, actor('editor'), {
      id: created.id,
      action: 'stop',
      reason: 'Copy changed',
    });
    expect(stopped).toMatchObject({ phase: 'stopped', endReason: 'Copy changed' });
    await expect(
      changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'resume' }),
    ).rejects.toSatisfy(code('CONFLICT'));
    const actions = (await db.prisma.auditEvent.findMany({ orderBy: { createdAt: 'asc' } })).map(
      (e) => e.action,
    );
    expect(actions).toEqual([
      'experiment.create',
      'experiment.start',
      'experiment.pause',
      'experiment.resume',
      'experiment.stop',
    ]);
  });

  it('serves sticky variants within the traffic share and counts outcomes once', async () => {
    const created = await createExperiment(db.prisma, actor('editor'), setup({ trafficPercent: 50 }));
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    const served = [];
    for (let i = 0; i < 400; i++)
      served.push(
        await chooseServedVariant(db.prisma, workspaceId, { promptId: 'faq', unitId: `unit-${i}` }),
      );
    const entered = served.filter((s) => s !== undefined);
    expect(entered.length).toBeGreaterThan(150);
    expect(entered.length).toBeLessThan(250);
    const again = await chooseServedVariant(db.prisma, workspaceId, {
      promptId: 'faq',
      unitId: `unit-${served.indexOf(entered[0])}`,
    });
    expect(again).toEqual(entered[0]);
    expect(
      await chooseServedVariant(db.prisma, workspaceId, { promptId: 'other', unitId: 'unit-1' }),
    ).toBeUndefined();

    const unit = `unit-${served.indexOf(entered[0])}`;
    expect(
      await recordExperimentOutcome(db.prisma, workspaceId, {
        experimentId: created.id,
        unitId: unit,
        value: 1,
      }),
    ).toBe(true);
    expect(
      await recordExperimentOutcome(db.prisma, workspaceId, {
        experimentId: created.id,
        unitId: unit,
        value: 0,
      }),
    ).toBe(false);
    await expect(
      recordExperimentOutcome(db.prisma, workspaceId, {
        experimentId: created.id,
        unitId: 'never-seen',
        value: 1,
      }),
    ).rejects.toSatisfy(
      (error: unknown) => isLoomError(error, 'NOT_FOUND') && /never served/.test(error.message),
    );
    await expect(
      recordExperimentOutcome(db.prisma, workspaceId, { experimentId: created.id, unitId: unit, value: 0.5 }),
    ).rejects.toSatisfy(code('INVALID_INPUT'));
    await expect(
      recordExperimentOutcome(db.prisma, workspaceId, { experimentId: 'nope', unitId: unit, value: 1 }),
    ).rejects.toSatisfy(code('NOT_FOUND'));
    const daily = await loadDailyStats(db.prisma, workspaceId, created.id);
    expect(daily.reduce((sum, row) => sum + row.exposures, 0)).toBe(entered.length);
    expect(daily.reduce((sum, row) => sum + row.outcomes, 0)).toBe(1);
    await changeExperimentPhase(db.prisma, actor('editor'), {
      id: created.id,
      action: 'stop',
      reason: 'done',
    });
    await expect(
      recordExperimentOutcome(db.prisma, workspaceId, { experimentId: created.id, unitId: unit, value: 1 }),
    ).rejects.toSatisfy(
      (error: unknown) => isLoomError(error, 'CONFLICT') && /is stopped/.test(error.message),
    );
  });

  it('writes exposures off the request path: sticky, counted once, seen by outcomes, pauses and shutdown', async () => {
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    const serve = (unitId: string) =>
      chooseServedVariant(db.prisma, workspaceId, { promptId: 'faq', unitId });
    const exposures = () =>
      db.prisma.experimentExposure.findMany({ where: { workspaceId, experimentId: created.id } });
    const first = await serve('sticky');
    expect(first).toBeDefined();
    for (let i = 0; i < 20; i++) expect(await serve('sticky')).toEqual(first);
    // An outcome right after the first fetch finds the exposure: the unit's buffer is written first.
    expect(
      await recordExperimentOutcome(db.prisma, workspaceId, {
        experimentId: created.id,
        unitId: 'sticky',
        value: 1,
      }),
    ).toBe(true);
    expect((await exposures()).map((row) => [row.unitId, row.variant])).toEqual([['sticky', first?.variant]]);

    for (let i = 0; i < 50; i++) {
      await serve(`unit-${i}`);
      await serve(`unit-${i}`);
    }
    await flushExposures();
    expect(await exposures()).toHaveLength(51);
    const daily = await loadDailyStats(db.prisma, workspaceId, created.id);
    expect(daily.reduce((sum, row) => sum + row.exposures, 0)).toBe(51);

    // A pause in this process is seen by the next request, without waiting for the cache's TTL.
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'pause' });
    expect(await serve('sticky')).toBeUndefined();
    await changeExperimentPhase(db.prisma, actor('admin'), { id: created.id, action: 'resume' });
    expect(await serve('sticky')).toEqual(first);

    // The process's shutdown writes what is still buffered.
    await serve('last-unit');
    const hooks = (globalThis as { __loomShutdownHooks?: { name: string; run: () => Promise<void> }[] })
      .__loomShutdownHooks;
    const hook = hooks?.find((h) => h.name === 'experiment exposures');
    expect(hook).toBeDefined();
    await hook?.run();
    expect(await exposures()).toHaveLength(52);
  });

  it('serves the variant even when the exposure write fails (the failure is logged)', async () => {
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    const row = await db.prisma.experimentDefinition.findFirstOrThrow({ where: { id: created.id } });
    forgetLiveExperiments();
    const down = {
      experimentDefinition: { findFirst: async () => row },
      $executeRaw: () => Promise.reject(new Error('database unreachable')),
    } as unknown as typeof db.prisma;
    const served = await chooseServedVariant(down, workspaceId, { promptId: 'faq', unitId: 'unit-1' });
    expect(served).toEqual(
      await chooseServedVariant(db.prisma, workspaceId, { promptId: 'faq', unitId: 'unit-1' }),
    );
    await expect(flushExposures()).resolves.toBeUndefined();
  });

  it('keeps exact per-day numeric spread (Chan merge) across days', () => {
    const stats = statsFrom('e', [
      { variant: 'a', day: '2026-01-01', exposures: 3, outcomes: 3, sum: 6, m2: 2 }, // 1, 2, 3
      { variant: 'a', day: '2026-01-02', exposures: 2, outcomes: 2, sum: 9, m2: 0.5 }, // 4, 5
    ]);
    // 1..5: mean 3, Σ (x - 3)² = 10
    expect(stats.arms[0]).toMatchObject({ exposures: 5, outcomes: 5, sum: 15 });
    expect(stats.arms[0]?.sumSquaredDeviations).toBeCloseTo(10, 10);
  });

  it('computes the results page from a hand-computed fixture', async () => {
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    await seedTraffic(created.id, [
      { variant: 'v1', exposures: 2000, conversions: 200 },
      { variant: 'v2', exposures: 2000, conversions: 300 },
    ]);
    await db.prisma.analyticsRun.createMany({
      data: [100, 200, 300, 4000].map((latencyMs, i) => ({
        workspaceId,
        at: new Date(),
        promptId: 'faq',
        version: 2,
        model: 'm',
        provider: 'p',
        latencyMs,
        inputTokens: 1,
        outputTokens: 1,
        costMicros: 1000n * BigInt(i + 1),
        success: i !== 3,
        experimentId: created.id,
        variant: 'v2',
        source: 'api',
      })),
    });
    const results = await loadExperimentResults(db.prisma, actor('editor'), created.id);
    const [control, challenger] = results.variants;
    expect(control).toMatchObject({
      exposures: 2000,
      outcomes: 200,
      value: 0.1,
      status: { kind: 'control' },
    });
    expect(challenger).toMatchObject({ exposures: 2000, outcomes: 300, value: 0.15 });
    expect(challenger?.lift).toBeCloseTo(0.5, 10);
    // The anytime-valid interval is wider than the fixed-sample one (0.1 ± 1.96·sqrt(0.09/2000) = ±0.0131).
    expect(control!.interval[0]).toBeLessThan(0.1 - 0.0132);
    expect(control!.interval[1]).toBeGreaterThan(0.1 + 0.0132);
    expect(challenger?.liftInterval?.[0]).toBeGreaterThan(0);
    expect(results.verdict).toMatchObject({ status: 'winner', winner: 'v2' });
    expect(challenger?.status).toEqual({ kind: 'winner' });
    expect(results.srm).toMatchObject({ mismatch: false, pValue: 1 });
    expect(results.exposuresOverTime.at(-1)).toMatchObject({
      observed: { v1: 2000, v2: 2000 },
      expected: { v1: 2000, v2: 2000 },
    });
    expect(results.metricByDay.at(-1)?.values).toEqual({ v1: 0.1, v2: 0.15 });
    const v2Guardrails = results.guardrails.find((g) => g.variant === 'v2');
    expect(v2Guardrails).toMatchObject({ calls: 4, errorRate: 0.25, costPerCallUsd: 0.0025 });
    // p95 of 100, 200, 300, 4000 (linear interpolation): 300 + 0.85·3700 = 3445 > 2000 ms limit.
    expect(v2Guardrails?.latencyP95Ms).toBeCloseTo(3445, 6);
    expect(v2Guardrails?.breaches).toEqual(['latencyP95Ms', 'errorRate']);
    expect(results.promoteBlockedBy).toBeNull();
    const viewer = await loadExperimentResults(db.prisma, actor('viewer'), created.id);
    expect(viewer.promoteBlockedBy).toBe('Your role may not promote.');
  });

  it('blocks promotion on a sample-ratio mismatch', async () => {
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    await seedTraffic(created.id, [
      { variant: 'v1', exposures: 2000, conversions: 200 },
      { variant: 'v2', exposures: 1500, conversions: 300 },
    ]);
    const results = await loadExperimentResults(db.prisma, actor('editor'), created.id);
    expect(results.srm?.mismatch).toBe(true);
    expect(results.promoteBlockedBy).toMatch(/Sample ratio mismatch/);
    await expect(promoteWinner(db.prisma, actor('editor'), { experimentId: created.id })).rejects.toSatisfy(
      code('CONFLICT'),
    );
    expect(await production()).toBe(1);
  });

  it('promotes the winner once through the manual path: label, audit, webhook, gate', async () => {
    await db.prisma.webhookEndpoint.create({
      data: {
        workspaceId,
        url: 'http://127.0.0.1:9/hook',
        secretCipher: 'x',
        events: ['experiment.winner'],
        updatedAt: new Date(),
      },
    });
    const created = await createExperiment(db.prisma, actor('editor'), setup());
    await changeExperimentPhase(db.prisma, actor('editor'), { id: created.id, action: 'start' });
    await seedTraffic(created.id, [
      { variant: 'v1', exposures: 2000, conversions: 200 },
      { variant: 'v2', exposures: 2000, conversions: 300 },
    ]);
    await expect(promoteWinner(db.prisma, actor('viewer'), { experimentId: created.id })).rejects.toSatisfy(
      code('FORBIDDEN'),
    );
    // A gate that v2 fails refuses the promotion and leaves everything as it was.
    const suite = await db.prisma.suite.create({
      data: { workspaceId, name: 'FAQ cases', promptId: 'faq', revision: 1, updatedAt: new Date() },
    });
    await saveGate(db.prisma, actor('admin'), {
      promptId: 'faq',
      suiteId: suite.id,
      minPassRate: 0.8,
      requireNoRegression: false,
    });
    await expect(promoteWinner(db.prisma, actor('editor'), { experimentId: created.id })).rejects.toSatisfy(
      code('GATE_FAILED'),
    );
    expect(await production()).toBe(1);
    expect(await db.prisma.experimentWinner.count()).toBe(0);
    await db.prisma.promotionGate.deleteMany({});

    const results = await Promise.allSettled(
      Array.from({ length: 4 }, () =>
        promoteWinner(db.prisma, actor('editor'), { experimentId: created.id }),
      ),
    );
    const done = results.filter((r) => r.status === 'fulfilled');
    expect(done).toHaveLength(1);
    expect((done[0] as PromiseFulfilledResult<unknown>).value).toMatchObject({
      label: 'production',
      from: 1,
      to: 2,
      variant: 'v2',
      firedWinner: true,
    });
    expect(await production()).toBe(2);
    expect(await db.prisma.webhookDelivery.count({ where: { eventType: 'experiment.winner' } })).toBe(1);
    const audit = await db.prisma.auditEvent.findMany({
      where: { action: { in: ['label.set', 'experiment.winner', 'experiment.complete'] } },
    });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'experiment.complete',
      'experiment.winner',
      'label.set',
    ]);
    expect(audit.find((a) => a.action === 'label.set')?.details).toMatchObject({
      from: 1,
      to: 2,
      experimentId: created.id,
    });
    const after = await loadExperimentResults(db.prisma, actor('editor'), created.id);
    expect(after.experiment).toMatchObject({
      phase: 'completed',
      promotion: { from: 1, to: 2, variant: 'v2' },
    });
    expect(after.promoteBlockedBy).toBe('Already promoted.');
  });

  it('fires onWinner once from outcome recording and auto-promotes as the admin who asked', async () => {
    await db.prisma.user.upsert({
      where: { email: 'admin@x.test' },
      create: { id: 'u-admin', email: 'admin@x.test', name: 'Admin', passwordHash: 'x' },
      update: {},
    });
    await db.prisma.membership.upsert({
      where: { userId_workspaceId: { userId: 'u-admin', workspaceId } },
      create: { userId: 'u-admin', workspaceId, role: 'admin' },
      update: {},
    });
    const created = await createExperiment(db.prisma, actor('admin'), setup({ autoPromote: true }));
    await changeExperimentPhase(db.prisma, actor('admin'), { id: created.id, action: 'start' });
    await seedTraffic(created.id, [
      { variant: 'v1', exposures: 2000, conversions: 200 },
      { variant: 'v2', exposures: 2000, conversions: 299 },
    ]);
    // One more conversion through the serving path: it notices the winner.
    await recordExperimentOutcome(db.prisma, workspaceId, {
      experimentId: created.id,
      unitId: 'v2-2000',
      value: 1,
    });
    expect(await production()).toBe(2);
    expect(await db.prisma.auditEvent.count({ where: { action: 'experiment.winner' } })).toBe(1);
    const label = await db.prisma.auditEvent.findFirst({ where: { action: 'label.set' } });
    expect(label?.actorEmail).toBe('admin@x.test');
  });
});

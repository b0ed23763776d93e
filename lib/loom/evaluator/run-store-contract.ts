import { afterEach, describe, expect, it } from 'vitest';
import { summarizeRun, type CaseResult, type SuiteRunRecord } from './results';
import type { RunStore } from './run-store';

export interface RunStoreUnderTest {
  store: RunStore;
  cleanup: () => Promise<void>;
}

/** A case result with every optional field filled, so round-trips are checked on all of them. */
export function sampleCaseResult(caseId: string, overrides: Partial<CaseResult> = {}): CaseResult {
  return {
    caseId,
    tags: ['smoke', 'ünïcode ✓'],
    output: 'Paris — “quoted”\n\ttabbed',
    evaluations: [
      { name: 'exactMatch', kind: 'exactMatch', score: 1, pass: true, reason: 'matches the expected text' },
      {
        name: 'judge',
        kind: 'llmJudge',
        score: 0.8,
        pass: true,
        reason: 'good',
        scores: [0.7, 0.9],
        stddev: 0.1414,
        usage: { inputTokens: 200, outputTokens: 12 },
        costMicros: 31,
      },
    ],
    score: 0.9,
    pass: true,
    latencyMs: 123.5,
    usage: { inputTokens: 20, outputTokens: 3, cachedInputTokens: 5 },
    costMicros: 7,
    judgeUsage: { inputTokens: 200, outputTokens: 12 },
    judgeCostMicros: 31,
    ...overrides,
  };
}

/**
 * The behaviour every RunStore (memory, PostgreSQL, ...) must show. Ids are unique per test, so a
 * shared database needs no reset between tests.
 */
export function runRunStoreContract(name: string, create: () => Promise<RunStoreUnderTest>): void {
  describe(`RunStore contract: ${name}`, () => {
    let current: RunStoreUnderTest | undefined;
    const setup = async (): Promise<RunStore> => {
      current = await create();
      return current.store;
    };
    afterEach(async () => {
      await current?.cleanup();
      current = undefined;
    });
    const unique = (prefix: string): string => `${prefix}-${Math.random().toString(36).slice(2, 10)}`;
    const newRun = (overrides: Partial<SuiteRunRecord> = {}): SuiteRunRecord => ({
      id: unique('run'),
      suiteId: unique('suite'),
      status: 'running',
      startedAt: new Date('2026-01-02T03:04:05.678Z'),
      ...overrides,
    });

    it('round-trips a run record, its summary included', async () => {
      const store = await setup();
      const run = newRun();
      await store.saveRun(run);
      expect(await store.getRun(run.id)).toEqual(run);
      const summary = summarizeRun([
        sampleCaseResult('a'),
        sampleCaseResult('b', { pass: false, score: 0.2 }),
      ]);
      const done: SuiteRunRecord = {
        ...run,
        status: 'completed',
        finishedAt: new Date('2026-01-02T03:05:00.000Z'),
        summary,
      };
      await store.saveRun(done);
      expect(await store.findRun(run.id)).toEqual(done);
    });

    it('round-trips case results exactly and replaces one saved twice, keeping first-save order', async () => {
      const store = await setup();
      const run = newRun();
      await store.saveRun(run);
      await store.saveCaseResult(run.id, sampleCaseResult('b'));
      await store.saveCaseResult(
        run.id,
        sampleCaseResult('a', { error: { code: 'TIMEOUT', message: 'slow', details: { timeoutMs: 5 } } }),
      );
      await store.saveCaseResult(run.id, sampleCaseResult('b', { score: 0.1, pass: false }));
      const listed = await store.listCaseResults(run.id);
      expect(listed.map((c) => [c.caseId, c.score])).toEqual([
        ['b', 0.1],
        ['a', 0.9],
      ]);
      expect(listed[1]).toEqual(
        sampleCaseResult('a', { error: { code: 'TIMEOUT', message: 'slow', details: { timeoutMs: 5 } } }),
      );
    });

    it('keeps case results when the run record is updated', async () => {
      const store = await setup();
      const run = newRun();
      await store.saveRun(run);
      await store.saveCaseResult(run.id, sampleCaseResult('a'));
      await store.saveRun({ ...run, status: 'cancelled', finishedAt: new Date() });
      expect(await store.listCaseResults(run.id)).toHaveLength(1);
    });

    it('lists runs, optionally by suite', async () => {
      const store = await setup();
      const a = newRun();
      const b = newRun({ suiteId: a.suiteId });
      const other = newRun();
      for (const run of [a, b, other]) await store.saveRun(run);
      expect((await store.listRuns({ suiteId: a.suiteId })).map((r) => r.id).sort()).toEqual(
        [a.id, b.id].sort(),
      );
      expect((await store.listRuns()).map((r) => r.id)).toEqual(
        expect.arrayContaining([a.id, b.id, other.id]),
      );
    });

    it('deletes a run with its case results; deleting a missing run is a no-op', async () => {
      const store = await setup();
      const run = newRun();
      await store.saveRun(run);
      await store.saveCaseResult(run.id, sampleCaseResult('a'));
      await store.deleteRun(run.id);
      expect(await store.findRun(run.id)).toBeUndefined();
      expect(await store.listCaseResults(run.id)).toEqual([]);
      await expect(store.deleteRun(run.id)).resolves.toBeUndefined();
    });

    it('returns copies: changing what was read changes nothing stored', async () => {
      const store = await setup();
      const run = newRun();
      await store.saveRun(run);
      await store.saveCaseResult(run.id, sampleCaseResult('a'));
      const [read] = await store.listCaseResults(run.id);
      if (read) read.output = 'changed';
      expect((await store.listCaseResults(run.id))[0]?.output).toBe(sampleCaseResult('a').output);
    });

    it('throws NOT_FOUND for a missing run and INVALID_INPUT for malformed records', async () => {
      const store = await setup();
      await expect(store.getRun(unique('missing'))).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await expect(store.saveCaseResult(unique('missing'), sampleCaseResult('a'))).rejects.toMatchObject({
        code: 'NOT_FOUND',
      });
      const run = newRun();
      await store.saveRun(run);
      await expect(store.saveCaseResult(run.id, sampleCaseResult('a', { score: 3 }))).rejects.toMatchObject({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'score' })] },
      });
      await expect(store.saveRun({ ...run, status: 'paused' as never })).rejects.toMatchObject({
        code: 'INVALID_INPUT',
      });
    });
  });
}

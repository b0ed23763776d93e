import { describe, expect, it } from 'vitest';
import { type CaseResult, createMemoryRunStore } from './index';

const caseResult: CaseResult = {
  caseId: 'c1',
  tags: ['smoke'],
  output: 'hi',
  evaluations: [{ name: 'exactMatch', kind: 'exactMatch', score: 1, pass: true, reason: 'ok' }],
  score: 1,
  pass: true,
  latencyMs: 12,
  usage: { inputTokens: 3, outputTokens: 1 },
  costMicros: 4,
  judgeUsage: { inputTokens: 0, outputTokens: 0 },
  judgeCostMicros: 0,
};

describe('createMemoryRunStore', () => {
  it('saves runs and case results, replacing a case saved twice', async () => {
    const store = createMemoryRunStore();
    await store.saveRun({ id: 'r', suiteId: 's', status: 'running', startedAt: new Date(0) });
    await store.saveCaseResult('r', caseResult);
    await store.saveCaseResult('r', { ...caseResult, score: 0.5, pass: false });
    await store.saveCaseResult('r', { ...caseResult, caseId: 'c2' });
    expect((await store.listCaseResults('r')).map((c) => [c.caseId, c.score])).toEqual([
      ['c1', 0.5],
      ['c2', 1],
    ]);
    expect(await store.listRuns({ suiteId: 's' })).toHaveLength(1);
    expect(await store.listRuns({ suiteId: 'other' })).toEqual([]);
  });

  it('keeps case results when the run record is updated, and drops them on delete', async () => {
    const store = createMemoryRunStore();
    await store.saveRun({ id: 'r', suiteId: 's', status: 'running', startedAt: new Date(0) });
    await store.saveCaseResult('r', caseResult);
    await store.saveRun({
      id: 'r',
      suiteId: 's',
      status: 'cancelled',
      startedAt: new Date(0),
      finishedAt: new Date(1),
    });
    expect(await store.listCaseResults('r')).toHaveLength(1);
    await store.deleteRun('r');
    expect(await store.findRun('r')).toBeUndefined();
    expect(await store.listCaseResults('r')).toEqual([]);
  });

  it('returns copies, so callers cannot change what is stored', async () => {
    const store = createMemoryRunStore();
    await store.saveRun({ id: 'r', suiteId: 's', status: 'running', startedAt: new Date(0) });
    await store.saveCaseResult('r', caseResult);
    const [copy] = await store.listCaseResults('r');
    if (copy) copy.output = 'changed';
    expect((await store.listCaseResults('r'))[0]?.output).toBe('hi');
  });

  it('throws NOT_FOUND for a missing run and INVALID_INPUT for malformed records', async () => {
    const store = createMemoryRunStore();
    await expect(store.getRun('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.saveCaseResult('nope', caseResult)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await store.saveRun({ id: 'r', suiteId: 's', status: 'running', startedAt: new Date(0) });
    await expect(store.saveCaseResult('r', { ...caseResult, score: 3 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      details: { issues: [expect.objectContaining({ path: 'score' })] },
    });
  });
});

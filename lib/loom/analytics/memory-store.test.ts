import { describe, expect, it } from 'vitest';
import { runAnalyticsStoreContract } from '../testing/analytics-contract';
import { createMemoryStore } from './memory-store';
import type { AnalyticsRecord } from './record';

runAnalyticsStoreContract('memory', () => createMemoryStore());

describe('memory analytics store', () => {
  it('is not changed when the caller mutates a recorded object afterwards', async () => {
    const store = createMemoryStore();
    const record: AnalyticsRecord = {
      promptId: 'p',
      version: 1,
      model: 'm',
      provider: 'openai',
      latencyMs: 5,
      inputTokens: 1,
      outputTokens: 1,
      costMicros: 1,
      success: true,
      at: new Date(Date.UTC(2026, 0, 1)),
    };
    await store.record([record]);
    record.costMicros = 1000;
    record.at.setUTCFullYear(2030);
    const rows = await store.query({
      from: new Date(Date.UTC(2025, 0, 1)),
      to: new Date(Date.UTC(2027, 0, 1)),
    });
    expect(rows[0]?.costMicros).toBe(1);
  });
});

import { describe, expect, it } from 'vitest';
import { createPriceSchedule, MAX_PRICE_PER_MILLION_MICROS, type ScheduledPrice } from './price-schedule';

const usage = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
const price = (overrides: Partial<ScheduledPrice> = {}): ScheduledPrice => ({
  provider: 'openai',
  model: 'gpt-4o-mini',
  inputPerMillion: 1_000_000,
  outputPerMillion: 2_000_000,
  effectiveFrom: new Date('2026-03-01T00:00:00Z'),
  ...overrides,
});

describe('createPriceSchedule', () => {
  it('uses the built-in price before the workspace price takes effect, and the workspace price from then on', () => {
    const schedule = createPriceSchedule([price()]);
    // Built-in: $0.15 + $0.60 per million.
    expect(schedule.costAt('openai', 'gpt-4o-mini', usage, new Date('2026-02-28T23:59:59Z'))).toBe(750_000);
    expect(schedule.costAt('openai', 'gpt-4o-mini', usage, new Date('2026-03-01T00:00:00Z'))).toBe(3_000_000);
  });

  it('applies the latest price not after the call, so a newer price never rewrites older calls', () => {
    const schedule = createPriceSchedule([
      price({ effectiveFrom: new Date('2026-04-01T00:00:00Z'), inputPerMillion: 5, outputPerMillion: 5 }),
      price(),
    ]);
    expect(schedule.costAt('openai', 'gpt-4o-mini', usage, new Date('2026-03-15T00:00:00Z'))).toBe(3_000_000);
    expect(schedule.costAt('openai', 'gpt-4o-mini', usage, new Date('2026-04-02T00:00:00Z'))).toBe(10);
  });

  it('prices a model the built-in table does not know, and only through its provider', () => {
    const schedule = createPriceSchedule([price({ provider: 'ollama', model: 'my-finetune' })]);
    const at = new Date('2026-05-01T00:00:00Z');
    expect(schedule.costAt('ollama', 'My-Finetune', usage, at)).toBe(3_000_000);
    expect(schedule.costAt('openai', 'my-finetune', usage, at)).toBeUndefined();
    expect(schedule.costAt('ollama', 'my-finetune', usage, new Date('2026-01-01T00:00:00Z'))).toBeUndefined();
  });

  it('refuses a negative or absurd price, naming the field', () => {
    expect(() => createPriceSchedule([price({ inputPerMillion: -1 })])).toThrow(
      expect.objectContaining({
        code: 'INVALID_INPUT',
        details: { issues: [expect.objectContaining({ path: 'prices.0.inputPerMillion' })] },
      }),
    );
    expect(() =>
      createPriceSchedule([price({ outputPerMillion: MAX_PRICE_PER_MILLION_MICROS + 1 })]),
    ).toThrow(
      expect.objectContaining({
        details: { issues: [expect.objectContaining({ path: 'prices.0.outputPerMillion' })] },
      }),
    );
  });
});

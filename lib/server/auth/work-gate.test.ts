import { describe, expect, it } from 'vitest';
import { isLoomError } from '@/lib/loom/core';
import { createWorkGate } from './work-gate';

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('createWorkGate', () => {
  it('runs at most `concurrency` tasks, queues up to `maxWaiting`, and refuses the rest at once', async () => {
    const gate = createWorkGate({ concurrency: 2, maxWaiting: 1, busyMessage: 'busy' });
    let inFlight = 0;
    let peak = 0;
    const blockers = [deferred(), deferred(), deferred()];
    const runs = blockers.map((b) =>
      gate.run(async () => {
        peak = Math.max(peak, ++inFlight);
        await b.promise;
        inFlight--;
        return 'done';
      }),
    );
    expect(gate.running).toBe(2);
    expect(gate.waiting).toBe(1);
    const refused = await gate.run(async () => 'never').catch((error: unknown) => error);
    expect(isLoomError(refused, 'RATE_LIMITED')).toBe(true);

    blockers.forEach((b) => b.resolve());
    expect(await Promise.all(runs)).toEqual(['done', 'done', 'done']);
    expect(peak).toBe(2);
    expect(gate.running).toBe(0);
  });

  it('frees the slot when a task fails', async () => {
    const gate = createWorkGate({ concurrency: 1, maxWaiting: 0, busyMessage: 'busy' });
    await expect(gate.run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await gate.run(async () => 1)).toBe(1);
  });
});

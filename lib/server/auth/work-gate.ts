import 'server-only';
import { LoomError } from '@/lib/loom/core';

export interface WorkGate {
  /** Runs `task` when a slot is free; throws RATE_LIMITED at once when too many already wait. */
  run<T>(task: () => Promise<T>): Promise<T>;
  readonly running: number;
  readonly waiting: number;
}

/** A semaphore with a bounded queue: excess work is refused instead of piling up without end. */
export function createWorkGate(options: {
  concurrency: number;
  maxWaiting: number;
  busyMessage: string;
}): WorkGate {
  let running = 0;
  const queue: (() => void)[] = [];
  return {
    async run(task) {
      if (running < options.concurrency) {
        running++;
      } else {
        if (queue.length >= options.maxWaiting) throw new LoomError('RATE_LIMITED', options.busyMessage);
        // The finishing task hands its slot straight to us, so `running` stays counted.
        await new Promise<void>((resolve) => queue.push(resolve));
      }
      try {
        return await task();
      } finally {
        const next = queue.shift();
        if (next) next();
        else running--;
      }
    },
    get running() {
      return running;
    },
    get waiting() {
      return queue.length;
    },
  };
}

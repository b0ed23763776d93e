/**
 * Every engine call works against a deadline: a template's parse, analysis and render together
 * must not hold the event loop past it. A caller serving one request passes the same deadline to
 * each call it makes, so the request as a whole stays within one budget.
 */
export interface Deadline {
  /** The `performance.now()` time by which the work must be done. */
  readonly at: number;
  /** The whole budget, for messages. */
  readonly budgetMs: number;
}

export const deadlineAfter = (budgetMs: number): Deadline => ({
  at: performance.now() + budgetMs,
  budgetMs,
});

/** Thrown by loops that check the deadline; `offset` is where in the source the work stopped. */
export class DeadlineExceeded extends Error {
  constructor(
    readonly deadline: Deadline,
    readonly offset: number | undefined,
  ) {
    super(`took longer than ${deadline.budgetMs} ms`);
  }
}

export function checkDeadline(deadline: Deadline, offset?: number): void {
  if (performance.now() > deadline.at) throw new DeadlineExceeded(deadline, offset);
}

/** The DeadlineExceeded behind an error, when Liquid wrapped it in its own errors. */
export function deadlineExceededIn(error: unknown): DeadlineExceeded | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 100 && current instanceof Error; depth++) {
    if (current instanceof DeadlineExceeded) return current;
    current = (current as { originalError?: unknown }).originalError;
  }
  return undefined;
}

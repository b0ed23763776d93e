import type { Input, MicroDollars, Usage } from '../core';

/** What an executor returns that chain and evaluator use; the real executor's result is a superset. */
export interface ExecuteResultLike {
  output: string;
  usage?: Usage;
  latencyMs?: number;
  costMicros?: MicroDollars;
}

/** The executor's call shape (render + provider call), structural so tests can pass a fake. */
export type ExecuteFn<P = unknown, R = unknown> = (request: {
  prompt: P;
  input: Input;
  provider: R;
  signal?: AbortSignal;
}) => Promise<ExecuteResultLike>;

/** An executor bound to the provider it calls. */
export interface ExecutorBinding<P = unknown, R = unknown> {
  execute: ExecuteFn<P, R>;
  provider: R;
}

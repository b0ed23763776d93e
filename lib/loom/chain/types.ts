import type { Input } from '../core';
import { execute, type ExecuteOptions, type ExecuteResult, type Renderable } from '../executor';
import type { Provider } from '../provider';

/** The executor's `execute`, or anything with its shape (a wrapper, a test double). */
export type ExecuteFn = (options: ExecuteOptions) => Promise<ExecuteResult>;

/** Per-call executor options every call of a chain, suite run or judge shares. */
export type ExecutorSettings = Omit<ExecuteOptions, 'prompt' | 'input' | 'provider' | 'signal'>;

/** How chain and evaluator reach an LLM: a provider, the executor's settings, and `execute` itself. */
export interface ExecutorBinding {
  provider: Provider;
  /** Retry, timeout, cost pricing, record hook, clock... */
  settings?: ExecutorSettings;
  /** Defaults to the executor package's `execute`. */
  execute?: ExecuteFn;
}

export function callExecutor(
  binding: ExecutorBinding,
  prompt: Renderable,
  input: Input,
  signal: AbortSignal | undefined,
): Promise<ExecuteResult> {
  const run = binding.execute ?? execute;
  return run({ ...binding.settings, prompt, input, provider: binding.provider, signal });
}

export function isExecutorBinding(value: unknown): value is ExecutorBinding {
  const binding = value as ExecutorBinding | undefined;
  return (
    typeof binding === 'object' &&
    binding !== null &&
    typeof binding.provider?.complete === 'function' &&
    (binding.execute === undefined || typeof binding.execute === 'function')
  );
}

export function isRenderable(value: unknown): value is Renderable {
  const prompt = value as Renderable | undefined;
  return (
    typeof prompt === 'object' && prompt !== null && typeof prompt.render === 'function' && !!prompt.data
  );
}

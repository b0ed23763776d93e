import type { z } from 'zod';
import { LoomError } from '../core';
import { toLoomIssues, type Provider, type StreamEvent } from '../provider';

/** A provider wrapper: the unit `chain` composes. */
export type Middleware = (next: Provider) => Provider;

export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Wraps `provider` so the outermost middleware sees a call first: `chain(p, a, b)` runs a → b → p.
 */
export function chain(provider: Provider, ...middlewares: Middleware[]): Provider {
  return middlewares.reduceRight<Provider>((next, middleware) => middleware(next), provider);
}

/** Passes everything through except the methods given. */
export function wrapProvider(next: Provider, overrides: Partial<Omit<Provider, 'name'>>): Provider {
  return {
    name: next.name,
    complete: overrides.complete ?? ((request, options) => next.complete(request, options)),
    stream: overrides.stream ?? ((request, options) => next.stream(request, options)),
    getModelInfo: overrides.getModelInfo ?? ((model, options) => next.getModelInfo(model, options)),
    listModels: overrides.listModels ?? ((options) => next.listModels(options)),
  };
}

export type StreamOutcome =
  | { ok: true; done: Extract<StreamEvent, { type: 'done' }> }
  | { ok: false; error: unknown; stopped: boolean };

/** Re-yields `source` and reports how it ended: done, failed, or abandoned by the consumer. */
export async function* observeStream(
  source: AsyncIterable<StreamEvent>,
  onEnd: (outcome: StreamOutcome) => void,
): AsyncGenerator<StreamEvent, void, undefined> {
  let ended = false;
  try {
    for await (const event of source) {
      if (event.type === 'done') {
        ended = true;
        onEnd({ ok: true, done: event });
      }
      yield event;
    }
  } catch (error) {
    ended = true;
    onEnd({ ok: false, error, stopped: false });
    throw error;
  } finally {
    if (!ended)
      onEnd({
        ok: false,
        error: new LoomError('CANCELLED', 'The stream consumer stopped reading'),
        stopped: true,
      });
  }
}

export function errorCode(error: unknown): string {
  return error instanceof LoomError ? error.code : 'PROVIDER_ERROR';
}

/** Validates a middleware's options once, at construction, so misconfiguration fails at startup. */
export function parseOptions<T>(schema: z.ZodType<T>, value: unknown, middleware: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    throw new LoomError('INVALID_INPUT', `Invalid ${middleware} options`, {
      issues: toLoomIssues(result.error),
    });
  }
  return result.data;
}

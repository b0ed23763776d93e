import { z } from 'zod';
import { LruCache } from '../core/lru-cache';
import type { Completion, CompletionRequest, StreamEvent } from '../provider';
import { parseOptions, systemClock, wrapProvider, type Clock, type Middleware } from './wrap';

const cacheOptionsSchema = z.object({
  max: z.number().int().positive(),
  ttlMs: z.number().int().positive(),
});

export interface CacheOptions {
  /** Entries kept; the least recently used goes first. */
  max: number;
  ttlMs: number;
  clock?: Clock;
  /**
   * A cache shared with other processes (e.g. Redis), asked after this process's own entries miss
   * and written with every new answer. It may forget, fail or be away: that is only a miss.
   */
  store?: CompletionCacheStore;
}

/** A cached answer as a shared store keeps it: with its full key, so a hashed lookup is checked. */
export interface SharedCompletion {
  key: string;
  completion: Completion;
  chunks: string[];
}

/** The port of a shared response cache. `key` is `cacheKey(request)`; a store may hash it. */
export interface CompletionCacheStore {
  get(key: string): Promise<SharedCompletion | undefined>;
  set(entry: SharedCompletion, ttlMs: number): Promise<void>;
}

interface Entry {
  completion: Completion;
  /** The deltas as first streamed, so a replay looks like the original. */
  chunks: string[];
  expiresAt: number;
}

const optional = (value: number | string | undefined) => (value === undefined ? '' : String(value));

/**
 * The cache key of a request: every field that shapes the answer, `metadata` (tracing) left out.
 * Canonical by construction: fields in a fixed order whatever the objects' property order, and
 * unambiguous (strings JSON-quoted, numbers and enums cannot contain the separator). Built by
 * concatenation: this runs on every call and is several times faster than stringifying a copy.
 * The in-memory cache keys its Map on it directly (V8 hashes the string natively); a shared cache
 * would hash it.
 */
export function cacheKey(request: CompletionRequest): string {
  let key = JSON.stringify(request.model);
  for (const message of request.messages) key += message.role + JSON.stringify(message.content);
  return (
    key +
    `|${optional(request.temperature)}|${optional(request.maxTokens)}|${optional(request.topP)}` +
    `|${request.stop === undefined ? '' : JSON.stringify(request.stop)}|${optional(request.responseFormat)}` +
    `|${optional(request.seed)}|${request.user === undefined ? '' : JSON.stringify(request.user)}`
  );
}

const copy = (completion: Completion): Completion => ({ ...completion, usage: { ...completion.usage } });

/**
 * LRU + TTL cache of successful completions. Errors, cancelled calls and streams that did not
 * reach `done` are never stored; a cached answer to a stream replays its deltas then `done`.
 */
export function cache(options: CacheOptions): Middleware {
  const { max, ttlMs } = parseOptions(
    cacheOptionsSchema,
    { max: options.max, ttlMs: options.ttlMs },
    'cache',
  );
  const clock = options.clock ?? systemClock;
  const entries = new LruCache<string, Entry>(max);

  const shared = options.store;

  const lookupLocal = (key: string): Entry | undefined => {
    const entry = entries.get(key);
    if (entry === undefined || entry.expiresAt > clock.now()) return entry;
    entries.delete(key);
    return undefined;
  };
  const lookup = async (key: string): Promise<Omit<Entry, 'expiresAt'> | undefined> => {
    const local = lookupLocal(key);
    if (local || !shared) return local;
    const found = await shared.get(key).catch(() => undefined);
    // A store that hashes keys could in theory collide: the full key decides.
    return found?.key === key ? { completion: found.completion, chunks: found.chunks } : undefined;
  };
  const store = (key: string, completion: Completion, chunks: string[]) => {
    entries.set(key, { completion: copy(completion), chunks, expiresAt: clock.now() + ttlMs });
    // Not awaited: the answer is already here; a store that fails just misses next time.
    shared?.set({ key, completion: copy(completion), chunks }, ttlMs).catch(() => undefined);
  };

  return (next) =>
    wrapProvider(next, {
      async complete(request, callOptions) {
        const key = cacheKey(request);
        const hit = await lookup(key);
        if (hit) return { ...copy(hit.completion), cached: true, latencyMs: 0 };
        const completion = await next.complete(request, callOptions);
        if (!callOptions?.signal?.aborted) store(key, completion, [completion.text]);
        return completion;
      },
      async *stream(request, callOptions): AsyncGenerator<StreamEvent, void, undefined> {
        const key = cacheKey(request);
        const hit = await lookup(key);
        if (hit) {
          for (const text of hit.chunks) yield { type: 'delta', text };
          const { usage, finishReason, model } = hit.completion;
          yield { type: 'done', usage: { ...usage }, finishReason, model };
          return;
        }
        const chunks: string[] = [];
        for await (const event of next.stream(request, callOptions)) {
          if (event.type === 'delta') chunks.push(event.text);
          else if (!callOptions?.signal?.aborted) {
            store(
              key,
              {
                text: chunks.join(''),
                usage: event.usage,
                finishReason: event.finishReason,
                model: event.model,
              },
              chunks,
            );
          }
          yield event;
        }
      },
    });
}

import { z } from 'zod';
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
}

interface Entry {
  canonical: string;
  completion: Completion;
  /** The deltas as first streamed, so a replay looks like the original. */
  chunks: string[];
  expiresAt: number;
}

/** cyrb53: a fast 53-bit string hash; entries also keep their canonical text, so a collision is a miss. */
function hash53(text: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36);
}

/**
 * The cache key of a request: everything that shapes the answer; `metadata` (tracing) is left out.
 * Fields are written in a fixed order (canonical by construction, and one JSON.stringify instead of
 * a sort per object: this runs on every call).
 */
export function cacheKey(request: CompletionRequest): { key: string; canonical: string } {
  const canonical = JSON.stringify([
    request.model,
    request.messages.map((m) => [m.role, m.content]),
    request.temperature ?? null,
    request.maxTokens ?? null,
    request.topP ?? null,
    request.stop ?? null,
    request.responseFormat ?? null,
    request.seed ?? null,
    request.user ?? null,
  ]);
  return { key: hash53(canonical), canonical };
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
  const entries = new Map<string, Entry>();

  const lookup = (request: CompletionRequest): { hit?: Entry; key: string; canonical: string } => {
    const { key, canonical } = cacheKey(request);
    const entry = entries.get(key);
    if (!entry || entry.canonical !== canonical) return { key, canonical };
    if (entry.expiresAt <= clock.now()) {
      entries.delete(key);
      return { key, canonical };
    }
    // Map keeps insertion order: re-inserting marks the entry most recently used.
    entries.delete(key);
    entries.set(key, entry);
    return { hit: entry, key, canonical };
  };
  const store = (key: string, canonical: string, completion: Completion, chunks: string[]) => {
    entries.delete(key);
    entries.set(key, { canonical, completion: copy(completion), chunks, expiresAt: clock.now() + ttlMs });
    while (entries.size > max) {
      const oldest = entries.keys().next();
      if (oldest.done) break;
      entries.delete(oldest.value);
    }
  };

  return (next) =>
    wrapProvider(next, {
      async complete(request, callOptions) {
        const { hit, key, canonical } = lookup(request);
        if (hit) return { ...copy(hit.completion), cached: true, latencyMs: 0 };
        const completion = await next.complete(request, callOptions);
        if (!callOptions?.signal?.aborted) store(key, canonical, completion, [completion.text]);
        return completion;
      },
      async *stream(request, callOptions): AsyncGenerator<StreamEvent, void, undefined> {
        const { hit, key, canonical } = lookup(request);
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
              canonical,
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

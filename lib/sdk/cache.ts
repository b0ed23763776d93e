// The SDK's in-memory prompt cache: fresh for `ttlMs`; then served stale while one background
// refresh runs (stale-while-revalidate) for up to `staleMs` more; past that a read waits for the
// studio, and falls back to the stale value if the studio cannot be reached.

export interface CacheOptions {
  /** How long a fetched prompt is served without asking the studio (default 60 s). */
  ttlMs?: number;
  /** How long after the TTL a stale prompt is still served while it refreshes (default 1 h). */
  staleMs?: number;
  /** Entries kept at most; the least recently used go first (default 1000). */
  maxEntries?: number;
}

interface Entry<T> {
  value: T;
  fetchedAt: number;
}

export type CacheState = 'fresh' | 'stale' | 'expired';

export class PromptCache<T> {
  private readonly entries = new Map<string, Entry<T>>();
  private readonly refreshing = new Map<string, Promise<T>>();
  readonly ttlMs: number;
  readonly staleMs: number;
  private readonly maxEntries: number;

  constructor(
    options: CacheOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.ttlMs = options.ttlMs ?? 60_000;
    this.staleMs = options.staleMs ?? 3_600_000;
    this.maxEntries = options.maxEntries ?? 1000;
  }

  read(key: string): { value: T; state: CacheState } | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    // Re-insert: Map keeps insertion order, so the first key is the least recently used.
    this.entries.delete(key);
    this.entries.set(key, entry);
    const age = this.now() - entry.fetchedAt;
    const state = age < this.ttlMs ? 'fresh' : age < this.ttlMs + this.staleMs ? 'stale' : 'expired';
    return { value: entry.value, state };
  }

  write(key: string, value: T): void {
    this.entries.delete(key);
    this.entries.set(key, { value, fetchedAt: this.now() });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value;
      if (oldest === undefined) break;
      this.entries.delete(oldest);
    }
  }

  /** Runs `load` once per key at a time: concurrent callers share the same promise. */
  load(key: string, load: () => Promise<T>): Promise<T> {
    const running = this.refreshing.get(key);
    if (running) return running;
    const promise = load()
      .then((value) => {
        this.write(key, value);
        return value;
      })
      .finally(() => this.refreshing.delete(key));
    this.refreshing.set(key, promise);
    return promise;
  }

  clear(): void {
    this.entries.clear();
  }
}

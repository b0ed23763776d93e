import { LoomError, Prompt, type Input, type PromptDataInput, type Rendered } from '../loom/core';
import { createTemplateEngine, type TemplateEngine } from '../loom/template';
import { PromptCache, type CacheOptions } from './cache';
import { LoomApiError, LoomConnectionError } from './errors';
import { call, defaultSleep, type HttpOptions, type RetryOptions } from './http';
import { readServerSentEvents } from './sse';
import {
  executePath,
  outcomePath,
  parseExecuteResult,
  parsePromptResponse,
  parseStreamEvent,
  promptPath,
  type ExecuteResult,
  type ServedPrompt,
  type StreamEvent,
} from './wire';

// The Loom client: fetch prompts (cached, refreshed in the background, with a fallback when the
// studio is unreachable), render them locally with the studio's own template engine, execute and
// stream them through the studio, and report experiment outcomes.

export interface LoomClientOptions {
  /** The studio's address, e.g. `https://loom.example.com`. */
  baseUrl: string;
  /** A secret key (`loom_sk_...`) created under Settings → API keys. */
  apiKey: string;
  cache?: CacheOptions;
  retry?: RetryOptions;
  /** How long to wait for the studio's answer to start, per attempt (default 10 s). */
  timeoutMs?: number;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
  /** Told when a background refresh fails; the cached prompt keeps being served. */
  onBackgroundError?: (error: unknown) => void;
  /** Injectable for tests. */
  now?: () => number;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
}

export interface PromptSelector {
  /** A label (default `production`); ignored when `version` is given. */
  label?: string;
  version?: number;
  /** An experiment unit (user, session...): a running experiment serves this unit its variant. */
  unitId?: string;
  signal?: AbortSignal;
}

export interface GetPromptOptions extends PromptSelector {
  /** Served when the studio cannot be reached and nothing is cached (never for a 4xx answer). */
  fallback?: Omit<PromptDataInput, 'id' | 'version' | 'name'> & { name?: string };
}

/** Where a prompt came from: the studio just now, the cache, or the caller's fallback. */
export type PromptSource = 'studio' | 'cache' | 'stale' | 'fallback';

export interface LoomPrompt extends ServedPrompt {
  /** The prompt version, validated, with a renderer: `prompt.data` holds every field. */
  prompt: Prompt;
  source: PromptSource;
  /** Renders locally (no round trip), exactly as the studio would. */
  render(variables?: Input): Promise<Rendered>;
}

export interface ExecuteOptions extends PromptSelector {
  variables?: Input;
  /** Overrides the prompt's model, temperature or token limit for this call. */
  model?: string;
  temperature?: number;
  maxTokens?: number;
  /** Serve an identical earlier request's answer from the studio's response cache. */
  cache?: boolean;
}

export interface OutcomeInput {
  experimentId: string;
  unitId: string;
  /** 1 or 0 for a conversion, or any measured value. */
  value: number;
}

export interface LoomClient {
  getPrompt(id: string, options?: GetPromptOptions): Promise<LoomPrompt>;
  /** getPrompt then a local render. */
  render(id: string, variables?: Input, options?: GetPromptOptions): Promise<Rendered>;
  execute(id: string, options?: ExecuteOptions): Promise<ExecuteResult>;
  /** Server-sent events from the studio: `start`, `delta` text as it arrives, then `done` with the result. */
  stream(id: string, options?: ExecuteOptions): AsyncGenerator<StreamEvent, void, undefined>;
  recordOutcome(outcome: OutcomeInput, options?: { signal?: AbortSignal }): Promise<{ recorded: boolean }>;
  /** Forgets every cached prompt. */
  clearCache(): void;
}

interface Cached {
  served: ServedPrompt;
  prompt: Prompt;
  etag: string | undefined;
}

function cacheKey(id: string, options: PromptSelector): string {
  const selector = options.version !== undefined ? `v${options.version}` : (options.label ?? 'production');
  return JSON.stringify([id, selector, options.unitId ?? null]);
}

/** The studio is out of reach or failing (not refusing): cached or fallback prompts may stand in. */
function isUnreachable(error: unknown): boolean {
  return error instanceof LoomConnectionError || (error instanceof LoomApiError && error.status >= 500);
}

export function createLoomClient(options: LoomClientOptions): LoomClient {
  if (!/^https?:\/\//.test(options.baseUrl)) {
    throw new TypeError(`baseUrl must be an http(s) URL, got "${options.baseUrl}"`);
  }
  if (!options.apiKey) throw new TypeError('apiKey is required: create one under Settings → API keys');
  const http: HttpOptions = {
    baseUrl: options.baseUrl,
    apiKey: options.apiKey,
    fetch: options.fetch ?? globalThis.fetch.bind(globalThis),
    retry: { retries: 2, baseDelayMs: 250, maxDelayMs: 4_000, maxRetryAfterMs: 30_000, ...options.retry },
    timeoutMs: options.timeoutMs ?? 10_000,
    sleep: options.sleep ?? defaultSleep,
    random: options.random ?? Math.random,
  };
  const engine: TemplateEngine = createTemplateEngine();
  const cache = new PromptCache<Cached>(options.cache, options.now);
  const reportBackground = options.onBackgroundError ?? (() => undefined);

  async function fetchPrompt(id: string, selector: PromptSelector, previous?: Cached): Promise<Cached> {
    const response = await call(http, promptPath(id, selector), {
      signal: selector.signal,
      headers: previous?.etag ? { 'if-none-match': previous.etag } : {},
      passStatuses: [304],
    });
    if (response.status === 304 && previous) return previous;
    const served = parsePromptResponse(await response.json());
    return {
      served,
      prompt: Prompt.from(served.data, engine),
      etag: response.headers.get('etag') ?? undefined,
    };
  }

  function toLoomPrompt(cached: Cached, source: PromptSource): LoomPrompt {
    return {
      ...cached.served,
      prompt: cached.prompt,
      source,
      render: (variables = {}) => cached.prompt.render(variables),
    };
  }

  async function getPrompt(id: string, getOptions: GetPromptOptions = {}): Promise<LoomPrompt> {
    const key = cacheKey(id, getOptions);
    const hit = cache.read(key);
    if (hit?.state === 'fresh') return toLoomPrompt(hit.value, 'cache');
    if (hit?.state === 'stale') {
      cache
        .load(key, () => fetchPrompt(id, { ...getOptions, signal: undefined }, hit.value))
        .catch(reportBackground);
      return toLoomPrompt(hit.value, 'stale');
    }
    try {
      return toLoomPrompt(await cache.load(key, () => fetchPrompt(id, getOptions, hit?.value)), 'studio');
    } catch (error) {
      if (!isUnreachable(error)) throw error;
      if (hit) return toLoomPrompt(hit.value, 'stale');
      if (!getOptions.fallback) throw error;
      const prompt = Prompt.from({ name: id, ...getOptions.fallback, id, version: 0 }, engine);
      return toLoomPrompt(
        { served: { id, version: 0, labels: [], data: prompt.data }, prompt, etag: undefined },
        'fallback',
      );
    }
  }

  function executeBody(executeOptions: ExecuteOptions, stream: boolean) {
    return {
      variables: executeOptions.variables ?? {},
      ...(executeOptions.version !== undefined ? { version: executeOptions.version } : {}),
      ...(executeOptions.label !== undefined ? { label: executeOptions.label } : {}),
      ...(executeOptions.unitId !== undefined ? { unitId: executeOptions.unitId } : {}),
      ...(executeOptions.model !== undefined ? { model: executeOptions.model } : {}),
      ...(executeOptions.temperature !== undefined ? { temperature: executeOptions.temperature } : {}),
      ...(executeOptions.maxTokens !== undefined ? { maxTokens: executeOptions.maxTokens } : {}),
      ...(executeOptions.cache !== undefined ? { cache: executeOptions.cache } : {}),
      stream,
    };
  }

  return {
    getPrompt,
    async render(id, variables = {}, renderOptions = {}) {
      return (await getPrompt(id, renderOptions)).render(variables);
    },
    async execute(id, executeOptions = {}) {
      const response = await call(http, executePath(id), {
        method: 'POST',
        body: executeBody(executeOptions, false),
        signal: executeOptions.signal,
      });
      return parseExecuteResult(await response.json());
    },
    async *stream(id, executeOptions = {}) {
      const response = await call(http, executePath(id), {
        method: 'POST',
        body: executeBody(executeOptions, true),
        headers: { accept: 'text/event-stream' },
        signal: executeOptions.signal,
      });
      if (!response.body) throw new LoomError('PROVIDER_ERROR', 'The studio sent an empty stream');
      for await (const event of readServerSentEvents(response.body)) {
        const parsed = parseStreamEvent(event.event, event.data);
        if (parsed) yield parsed;
      }
    },
    async recordOutcome(outcome, outcomeOptions = {}) {
      const response = await call(http, outcomePath(outcome.experimentId), {
        method: 'POST',
        body: { unitId: outcome.unitId, value: outcome.value },
        signal: outcomeOptions.signal,
      });
      const body = (await response.json()) as { recorded?: unknown };
      return { recorded: body.recorded !== false };
    },
    clearCache: () => cache.clear(),
  };
}

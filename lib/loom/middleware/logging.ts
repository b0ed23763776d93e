import type { Usage } from '../core';
import type { CompletionRequest, FinishReason } from '../provider';
import { redact, redactText } from './redact';
import { errorCode, observeStream, systemClock, wrapProvider, type Clock, type Middleware } from './wrap';

export interface LogEntry {
  level: 'info' | 'error';
  event: 'provider.complete' | 'provider.stream';
  provider: string;
  model: string;
  ok: boolean;
  latencyMs: number;
  usage?: Usage;
  finishReason?: FinishReason;
  errorCode?: string;
  errorMessage?: string;
  /** The request, redacted; messages only with `includeMessages`. */
  request: Record<string, unknown>;
}

export interface LoggingOptions {
  log: (entry: LogEntry) => void;
  /** Log message contents too (still redacted). Off by default: prompts may hold personal data. */
  includeMessages?: boolean;
  clock?: Clock;
}

/** One structured entry per complete/stream call, secrets redacted. */
export function logging(options: LoggingOptions): Middleware {
  const clock = options.clock ?? systemClock;
  const describe = (request: CompletionRequest): Record<string, unknown> => {
    const { messages, ...rest } = request;
    const summary: Record<string, unknown> = { ...rest, messageCount: messages.length };
    if (options.includeMessages) summary.messages = messages;
    return redact(summary) as Record<string, unknown>;
  };
  const emit = (entry: LogEntry) => {
    try {
      options.log(entry);
    } catch {
      // A broken logger must not break the call it describes.
    }
  };
  const failure = (error: unknown) => ({
    errorCode: errorCode(error),
    errorMessage: redactText(error instanceof Error ? error.message : String(error)),
  });

  return (next) =>
    wrapProvider(next, {
      async complete(request, callOptions) {
        const started = clock.now();
        const base = {
          event: 'provider.complete' as const,
          provider: next.name,
          model: request.model,
          request: describe(request),
        };
        try {
          const completion = await next.complete(request, callOptions);
          emit({
            ...base,
            level: 'info',
            ok: true,
            latencyMs: clock.now() - started,
            usage: completion.usage,
            finishReason: completion.finishReason,
          });
          return completion;
        } catch (error) {
          emit({ ...base, level: 'error', ok: false, latencyMs: clock.now() - started, ...failure(error) });
          throw error;
        }
      },
      stream(request, callOptions) {
        const started = clock.now();
        const base = {
          event: 'provider.stream' as const,
          provider: next.name,
          model: request.model,
          request: describe(request),
        };
        return observeStream(next.stream(request, callOptions), (outcome) => {
          const latencyMs = clock.now() - started;
          if (outcome.ok) {
            const { usage, finishReason } = outcome.done;
            emit({ ...base, level: 'info', ok: true, latencyMs, usage, finishReason });
          } else {
            emit({ ...base, level: 'error', ok: false, latencyMs, ...failure(outcome.error) });
          }
        });
      },
    });
}

import { LoomError } from '../core';
import type { StreamEvent } from '../provider';
import { Run, parsePolicies } from './run';
import { CONSUMER_STOPPED, type Attempt } from './signals';
import type {
  ExecuteCall,
  ExecuteOptions,
  ExecuteResult,
  ExecuteStreamEvent,
  Executor,
  ExecutorConfig,
  Policies,
} from './types';

/**
 * Renders the prompt and calls the provider, retrying RATE_LIMITED/TIMEOUT/UNAVAILABLE with
 * backoff within the attempt and total budgets. Throws LoomError; records every call via `onRecord`.
 */
export function execute(options: ExecuteOptions): Promise<ExecuteResult> {
  return runExecute(options, options);
}

async function runExecute(
  call: ExecuteCall,
  config: ExecutorConfig,
  policies?: Policies,
): Promise<ExecuteResult> {
  const run = new Run(call, config, false, policies);
  try {
    const { rendered, request } = await run.prepare();
    for (;;) {
      const attempt = run.openAttempt();
      try {
        const completion = await attempt.race(run.provider.complete(request, run.completeOptions(attempt)));
        return run.succeed(
          rendered,
          completion.text,
          completion.usage,
          completion.finishReason,
          completion.model,
        );
      } catch (error) {
        await run.beforeRetry(run.classify(error, attempt));
      } finally {
        attempt.dispose();
      }
    }
  } catch (error) {
    throw run.fail(error);
  }
}

/**
 * Like `execute`, streaming: yields `delta` events as they arrive, then one `result`. A failure
 * before the first delta is retried like `execute`; after it, the error is thrown (text already
 * shown cannot be taken back). Stopping the iteration cancels the provider call.
 */
export function executeStream(options: ExecuteOptions): AsyncGenerator<ExecuteStreamEvent, void, undefined> {
  return runExecuteStream(options, options);
}

async function* runExecuteStream(
  call: ExecuteCall,
  config: ExecutorConfig,
  policies?: Policies,
): AsyncGenerator<ExecuteStreamEvent, void, undefined> {
  const run = new Run(call, config, true, policies);
  try {
    const { rendered, request } = await run.prepare();
    for (;;) {
      const attempt: Attempt = run.openAttempt();
      let hasDelta = false;
      let ended = false;
      let iterator: AsyncIterator<StreamEvent> | undefined;
      try {
        iterator = run.provider.stream(request, run.streamOptions(attempt))[Symbol.asyncIterator]();
        let text = '';
        for (;;) {
          const step = await attempt.race(iterator.next());
          if (step.done) {
            throw new LoomError(
              'PROVIDER_ERROR',
              `${run.provider.name}: the stream ended without a final event`,
              {
                provider: run.provider.name,
              },
            );
          }
          const event = step.value;
          if (event.type === 'delta') {
            hasDelta = true;
            text += event.text;
            yield { type: 'delta', text: event.text };
            continue;
          }
          ended = true;
          const result = run.succeed(rendered, text, event.usage, event.finishReason, event.model);
          yield { type: 'result', result };
          return;
        }
      } catch (error) {
        ended = true;
        const failure = run.classify(error, attempt);
        if (hasDelta) throw failure;
        await run.beforeRetry(failure);
      } finally {
        // The consumer stopped early: abort so the provider closes the request instead of draining it.
        if (!ended) attempt.abort(CONSUMER_STOPPED);
        attempt.dispose();
        iterator?.return?.().catch(() => undefined);
      }
    }
  } catch (error) {
    throw run.fail(error);
  } finally {
    // A consumer that stops reading before the result still gets its call recorded, as cancelled.
    if (!run.isSettled) run.fail(new LoomError('CANCELLED', 'The stream consumer stopped reading'));
  }
}

/**
 * An executor with its provider, policies and hooks fixed: policies are validated once here
 * instead of on every call. The composition root builds one per provider.
 */
export function createExecutor(config: ExecutorConfig): Executor {
  if (typeof config?.provider?.complete !== 'function') {
    throw new LoomError('INVALID_INPUT', 'createExecutor needs a provider', {
      issues: [{ path: 'provider', message: 'missing' }],
    });
  }
  const policies = parsePolicies(config.retry, config.timeout);
  return {
    execute: (call) => runExecute(call, config, policies),
    executeStream: (call) => runExecuteStream(call, config, policies),
  };
}

import 'server-only';
import { logger } from './logger';

// Work that must finish before the process exits: the analytics backlog is written, then the
// database is closed. Hooks run newest first, so what was opened first (the database) closes last.

/** Longest a shutdown may take; orchestrators send SIGKILL about 30 s after SIGTERM. */
export const SHUTDOWN_TIMEOUT_MS = 10_000;

interface ShutdownHook {
  name: string;
  run: () => Promise<void>;
}

// On globalThis: Next loads server modules in more than one module graph.
const state = globalThis as unknown as {
  __loomShutdownHooks?: ShutdownHook[];
  __loomShutdown?: Promise<void>;
  __loomShutdownInstalled?: boolean;
};

export function onShutdown(name: string, run: () => Promise<void>): void {
  (state.__loomShutdownHooks ??= []).push({ name, run });
}

/** Runs every hook once, newest first; a failing or slow hook is logged and does not stop the rest. */
export function shutdown(timeoutMs = SHUTDOWN_TIMEOUT_MS): Promise<void> {
  state.__loomShutdown ??= (async () => {
    const deadline = Date.now() + timeoutMs;
    const hooks = (state.__loomShutdownHooks ?? []).splice(0).reverse();
    for (const hook of hooks) {
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now()));
      });
      try {
        const outcome = await Promise.race([hook.run().then(() => 'done' as const), timeout]);
        if (outcome === 'timeout') logger.warn({ hook: hook.name, timeoutMs }, 'shutdown step timed out');
      } catch (error) {
        logger.error({ hook: hook.name, error }, 'shutdown step failed');
      } finally {
        clearTimeout(timer);
      }
    }
  })();
  return state.__loomShutdown;
}

const SIGNAL_EXIT_CODES = { SIGINT: 130, SIGTERM: 143 } as const;

/**
 * On SIGTERM or SIGINT, runs the hooks before the process exits. Next's own handler stops taking
 * requests, waits for those in flight and then calls process.exit: that exit is held until the hooks
 * are done, so the records of the last requests are written too. Without Next's handler
 * (NEXT_MANUAL_SIG_HANDLE), this one exits itself.
 */
export function installShutdown(): void {
  if (state.__loomShutdownInstalled) return;
  state.__loomShutdownInstalled = true;
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Prepended: Next registered its handler first, and it must find process.exit already held.
    process.prependOnceListener(signal, () => {
      const exit = process.exit.bind(process);
      process.exit = ((code?: number | string | null) => {
        void shutdown().finally(() => exit(code));
      }) as typeof process.exit;
      if (process.listenerCount(signal) === 0) process.exit(SIGNAL_EXIT_CODES[signal]);
    });
  }
}

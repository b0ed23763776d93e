import 'server-only';
import { Redis } from 'ioredis';

// The studio's connection to a Redis that is an accelerator, never a dependency: every command has
// a short timeout, nothing queues while Redis is away, and after a failure Redis is skipped for a
// moment (a circuit) so requests go straight to PostgreSQL instead of waiting for timeouts.

export interface RedisLinkOptions {
  /** Longest a command may take before the caller falls back (a hung Redis must not hang requests). */
  commandTimeoutMs?: number;
  /** After a failed command, Redis is skipped this long before it is tried again. */
  openCircuitMs?: number;
  /** Told when Redis becomes usable or stops being usable (for logs and health). */
  onChange?: (isUp: boolean) => void;
}

export interface RedisLink {
  /** For commands: never queues offline, times out fast. */
  readonly redis: Redis;
  /** A second connection for SUBSCRIBE (a subscribed connection can run nothing else). */
  readonly subscriber: Redis;
  /** Whether commands should be tried now: connected and the circuit closed. */
  isUp(): boolean;
  /** Runs `fn` on Redis, or returns undefined at once when Redis is down; a failure opens the circuit. */
  attempt<T>(fn: (redis: Redis) => Promise<T>): Promise<T | undefined>;
  close(): Promise<void>;
}

const DEFAULT_COMMAND_TIMEOUT_MS = 250;
const DEFAULT_OPEN_CIRCUIT_MS = 2_000;
/** Reconnect attempts back off to this, so a Redis that comes back is found within a few seconds. */
const MAX_RECONNECT_DELAY_MS = 2_000;

export function createRedisLink(url: string, options: RedisLinkOptions = {}): RedisLink {
  const openCircuitMs = options.openCircuitMs ?? DEFAULT_OPEN_CIRCUIT_MS;
  const common = {
    // Reconnect forever: Redis coming back must be noticed without a restart.
    retryStrategy: (times: number) => Math.min(times * 100, MAX_RECONNECT_DELAY_MS),
    connectTimeout: 2_000,
    lazyConnect: false,
  };
  const redis = new Redis(url, {
    ...common,
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
  });
  // Subscriptions are restored by ioredis on reconnect; its queue holds only SUBSCRIBE commands.
  const subscriber = new Redis(url, { ...common, maxRetriesPerRequest: null });
  let openUntil = 0;
  let wasUp = false;

  const isUp = () => redis.status === 'ready' && Date.now() >= openUntil;
  const report = () => {
    const up = isUp();
    if (up !== wasUp) {
      wasUp = up;
      options.onChange?.(up);
    }
  };
  // Connection errors are expected while Redis is away; they surface through isUp, not as crashes.
  redis.on('error', () => undefined);
  subscriber.on('error', () => undefined);
  redis.on('ready', report);
  redis.on('close', report);
  redis.on('end', report);

  return {
    redis,
    subscriber,
    isUp,
    async attempt(fn) {
      if (!isUp()) return undefined;
      try {
        return await fn(redis);
      } catch {
        openUntil = Date.now() + openCircuitMs;
        report();
        // Closing the circuit is noticed by the next caller; report it then.
        setTimeout(report, openCircuitMs).unref();
        return undefined;
      }
    },
    async close() {
      redis.disconnect();
      subscriber.disconnect();
    },
  };
}

import 'server-only';
import type { RedisLink } from './link';

// Messages to every instance through Redis pub/sub: fire and forget. Pub/sub delivers only to
// those connected at that moment, so whoever loses the subscription (Redis restarted, network cut)
// is told to resync when it is back: caches then drop everything they may have missed.

export interface Broadcast {
  /** Sends to every instance (this one included); does nothing while Redis is down. */
  publish(message: string): Promise<void>;
  /** Handlers for messages, and for "messages may have been missed" after a reconnection. */
  subscribe(handlers: { onMessage: (message: string) => void; onResync: () => void }): void;
  /** Resolves once the subscription is active (tests and benchmarks wait for it). */
  ready(): Promise<void>;
}

export function createBroadcast(link: RedisLink, channel: string): Broadcast {
  const listeners: { onMessage: (message: string) => void; onResync: () => void }[] = [];
  let hasSubscribed = false;
  let isConnected = false;
  let readyWaiters: (() => void)[] = [];

  link.subscriber.on('message', (from: string, message: string) => {
    if (from !== channel) return;
    for (const listener of listeners) listener.onMessage(message);
  });
  const subscribe = () =>
    link.subscriber.subscribe(channel).then(
      () => {
        const wasDown = hasSubscribed && !isConnected;
        hasSubscribed = true;
        isConnected = true;
        if (wasDown) for (const listener of listeners) listener.onResync();
        for (const resolve of readyWaiters) resolve();
        readyWaiters = [];
      },
      () => undefined,
    );
  // ioredis resubscribes by itself after a reconnect; 'ready' tells us it happened.
  link.subscriber.on('close', () => {
    isConnected = false;
  });
  link.subscriber.on('ready', () => {
    if (hasSubscribed && !isConnected) {
      isConnected = true;
      for (const listener of listeners) listener.onResync();
    }
  });
  void subscribe();

  return {
    async publish(message) {
      await link.attempt((redis) => redis.publish(channel, message));
    },
    subscribe(handlers) {
      listeners.push(handlers);
    },
    ready() {
      return isConnected ? Promise.resolve() : new Promise((resolve) => readyWaiters.push(resolve));
    },
  };
}

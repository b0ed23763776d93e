import 'server-only';
import type { Broadcast } from './broadcast';

// Cross-instance invalidation of per-process caches: `invalidate` drops the entry here and tells
// every other instance to drop it too. A cache whose instance lost Redis for a while may have
// missed messages: it drops everything when the subscription is back (its TTL bounds the rest).

export interface InvalidationTopic<Args extends string[]> {
  invalidate(...args: Args): Promise<void>;
}

interface InvalidationMessage {
  topic: string;
  args: string[];
}

export function createInvalidationTopic<Args extends string[]>(
  broadcast: Broadcast,
  topic: string,
  handlers: { drop: (...args: Args) => void; dropAll: () => void },
): InvalidationTopic<Args> {
  broadcast.subscribe({
    onMessage(raw) {
      let message: InvalidationMessage;
      try {
        message = JSON.parse(raw) as InvalidationMessage;
      } catch {
        return;
      }
      if (message.topic === topic && Array.isArray(message.args)) handlers.drop(...(message.args as Args));
    },
    onResync: handlers.dropAll,
  });
  return {
    async invalidate(...args) {
      handlers.drop(...args);
      await broadcast.publish(JSON.stringify({ topic, args } satisfies InvalidationMessage));
    },
  };
}

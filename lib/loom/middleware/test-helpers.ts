import type { CompletionRequest, StreamEvent } from '../provider';

export const request = (content: string, extra: Partial<CompletionRequest> = {}): CompletionRequest => ({
  model: 'fake-model',
  messages: [{ role: 'user', content }],
  ...extra,
});

export async function collect(stream: AsyncIterable<StreamEvent>): Promise<StreamEvent[]> {
  const events: StreamEvent[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

export function manualClock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => void (now += ms) };
}

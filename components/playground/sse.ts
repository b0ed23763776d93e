/** One server-sent event: its `event:` name (default "message") and its joined `data:` lines. */
export interface SseMessage {
  event: string;
  data: string;
}

/** Takes the complete events out of a growing buffer; `rest` is the incomplete tail to keep. */
export function takeSseMessages(buffer: string): { messages: SseMessage[]; rest: string } {
  const normalised = buffer.replace(/\r\n?/g, '\n');
  const frames = normalised.split('\n\n');
  const rest = frames.pop() ?? '';
  const messages: SseMessage[] = [];
  for (const frame of frames) {
    let event = 'message';
    const data: string[] = [];
    for (const line of frame.split('\n')) {
      if (line.startsWith(':')) continue; // a comment (keep-alive)
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'event') event = value;
      else if (field === 'data') data.push(value);
    }
    if (data.length > 0) messages.push({ event, data: data.join('\n') });
  }
  return { messages, rest };
}

/** Yields the events of a response body as they arrive. */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
): AsyncGenerator<SseMessage, void, undefined> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const { messages, rest } = takeSseMessages(buffer + decoder.decode(value, { stream: true }));
      buffer = rest;
      yield* messages;
    }
  } finally {
    reader.releaseLock();
  }
}

import { describe, expect, it } from 'vitest';
import { readSse, takeSseMessages } from './sse';

describe('takeSseMessages', () => {
  it('returns complete events and keeps an incomplete tail for the next chunk', () => {
    const { messages, rest } = takeSseMessages(
      'event: delta\ndata: {"text":"Hel"}\n\nevent: delta\ndata: {"te',
    );
    expect(messages).toEqual([{ event: 'delta', data: '{"text":"Hel"}' }]);
    expect(takeSseMessages(`${rest}xt":"lo"}\n\n`).messages).toEqual([
      { event: 'delta', data: '{"text":"lo"}' },
    ]);
  });

  it('joins multi-line data, skips comments and accepts CRLF line ends', () => {
    expect(takeSseMessages(': keep-alive\r\n\r\ndata: a\r\ndata: b\r\n\r\n').messages).toEqual([
      { event: 'message', data: 'a\nb' },
    ]);
  });
});

describe('readSse', () => {
  it('yields events split across arbitrary chunk boundaries', async () => {
    const text = 'event: start\ndata: 1\n\nevent: delta\ndata: two words\n\nevent: done\ndata: 3\n\n';
    const bytes = new TextEncoder().encode(text);
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < bytes.length; i += 7) controller.enqueue(bytes.slice(i, i + 7));
        controller.close();
      },
    });
    const seen = [];
    for await (const message of readSse(body)) seen.push(message);
    expect(seen).toEqual([
      { event: 'start', data: '1' },
      { event: 'delta', data: 'two words' },
      { event: 'done', data: '3' },
    ]);
  });
});

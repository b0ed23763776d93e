// Reading request bodies with a byte cap: the cap holds for declared and undeclared lengths, and
// counts bytes, not characters.
import { describe, expect, it } from 'vitest';
import { readJsonBody } from './body';

const MAX = 1_000;

function request(body: BodyInit, headers: Record<string, string> = {}) {
  return new Request('http://127.0.0.1/api/x', {
    method: 'POST',
    body,
    headers,
    duplex: 'half',
  } as RequestInit);
}

/** A body streamed in `chunks` chunks of `size` bytes, without a Content-Length; counts what was pulled. */
function streamed(chunks: number, size: number) {
  const pulled = { chunks: 0 };
  const stream = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (pulled.chunks === chunks) return controller.close();
      pulled.chunks++;
      controller.enqueue(new Uint8Array(size).fill(0x20));
    },
  });
  return { stream, pulled };
}

async function problemOf(result: Awaited<ReturnType<typeof readJsonBody>>) {
  if (result.ok) throw new Error('expected a refusal');
  return { status: result.response.status, ...((await result.response.json()) as object) };
}

describe('readJsonBody', () => {
  it('parses a JSON body within the cap', async () => {
    expect(await readJsonBody(request('{"a":[1,"é"]}'), { maxBytes: MAX })).toEqual({
      ok: true,
      value: { a: [1, 'é'] },
    });
  });

  it('refuses a declared Content-Length over the cap without reading the body', async () => {
    const { stream, pulled } = streamed(1_000, 1_000);
    const result = await readJsonBody(request(stream, { 'content-length': '1000000' }), { maxBytes: MAX });
    expect(await problemOf(result)).toEqual({
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
      message: 'The request body is larger than 1 KB; send less.',
    });
    expect(pulled.chunks).toBeLessThanOrEqual(1); // at most what the stream pre-filled itself
  });

  it('stops reading a streamed body the moment it passes the cap', async () => {
    const { stream, pulled } = streamed(10_000, 300);
    const result = await readJsonBody(request(stream), {
      maxBytes: MAX,
      tooLargeMessage: 'Too big to preview.',
    });
    expect(await problemOf(result)).toMatchObject({ status: 413, message: 'Too big to preview.' });
    expect(pulled.chunks).toBeLessThan(10);
  });

  it('counts bytes, not characters', async () => {
    const text = JSON.stringify('é'.repeat(400)); // 402 characters, 802 bytes
    expect((await readJsonBody(request(text), { maxBytes: 802 })).ok).toBe(true);
    expect(await problemOf(await readJsonBody(request(text), { maxBytes: 801 }))).toMatchObject({
      status: 413,
    });
  });

  it('answers 400 instead of throwing when the client goes away mid-body', async () => {
    const cut = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode('{"draft":'));
        controller.error(Object.assign(new Error('aborted'), { code: 'ECONNRESET' }));
      },
    });
    expect(await problemOf(await readJsonBody(request(cut), { maxBytes: MAX }))).toEqual({
      status: 400,
      code: 'INVALID_INPUT',
      message: 'The request body ended early: the connection was closed.',
    });
  });

  it('says when the body is not JSON or not UTF-8', async () => {
    expect(await problemOf(await readJsonBody(request('{not json'), { maxBytes: MAX }))).toMatchObject({
      status: 400,
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/^The request body is not JSON: /),
    });
    expect(
      await problemOf(await readJsonBody(request(new Uint8Array([0x22, 0xff, 0x22])), { maxBytes: MAX })),
    ).toMatchObject({
      status: 400,
      message: 'The request body is not UTF-8 text.',
    });
  });
});

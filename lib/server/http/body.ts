import 'server-only';
import { formatBytes } from '@/components/prompts/format';
import { problem } from './problem';

export type JsonBody = { ok: true; value: unknown } | { ok: false; response: Response };

export interface ReadJsonBodyOptions {
  maxBytes: number;
  /** What a user should hear when the body is too large; says the cap by default. */
  tooLargeMessage?: string;
}

/**
 * Reads a JSON request body of at most `maxBytes` bytes. A declared Content-Length over the cap is
 * refused (413) before a byte is read; a body without one is counted while it streams and refused
 * the moment it passes the cap, so no request can make the server buffer more than `maxBytes`.
 */
export async function readJsonBody(request: Request, options: ReadJsonBodyOptions): Promise<JsonBody> {
  const { maxBytes } = options;
  const tooLarge = (): JsonBody => ({
    ok: false,
    response: problem(
      413,
      'PAYLOAD_TOO_LARGE',
      options.tooLargeMessage ?? `The request body is larger than ${formatBytes(maxBytes)}; send less.`,
    ),
  });
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > maxBytes) return tooLarge();

  let bytes: Uint8Array | undefined;
  try {
    bytes = await readCapped(request.body, maxBytes);
  } catch {
    // The client went away mid-body (the editor aborts a preview at each keystroke): no one reads
    // this answer, but it must not surface as a server error.
    return {
      ok: false,
      response: problem(400, 'INVALID_INPUT', 'The request body ended early: the connection was closed.'),
    };
  }
  if (bytes === undefined) return tooLarge();
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, response: problem(400, 'INVALID_INPUT', 'The request body is not UTF-8 text.') };
  }
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return {
      ok: false,
      response: problem(400, 'INVALID_INPUT', `The request body is not JSON: ${(error as Error).message}`),
    };
  }
}

/** The body's bytes, or undefined (and the stream cancelled, the rest unread) once it passes `maxBytes`. */
export async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
): Promise<Uint8Array | undefined> {
  if (body === null) return new Uint8Array();
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel('request body over the size cap');
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return bytes;
}

export type TextBody = { ok: true; text: string } | { ok: false; response: Response };

/**
 * Reads a UTF-8 text request body (a CSV or JSONL upload) of at most `maxBytes` bytes, with the
 * same refusals as `readJsonBody`: over the cap (declared or counted while streaming) is a 413.
 */
export async function readTextBody(request: Request, options: ReadJsonBodyOptions): Promise<TextBody> {
  const { maxBytes } = options;
  const tooLarge = (): TextBody => ({
    ok: false,
    response: problem(
      413,
      'PAYLOAD_TOO_LARGE',
      options.tooLargeMessage ?? `The request body is larger than ${formatBytes(maxBytes)}; send less.`,
    ),
  });
  if (Number(request.headers.get('content-length') ?? Number.NaN) > maxBytes) return tooLarge();
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readCapped(request.body, maxBytes);
  } catch {
    return {
      ok: false,
      response: problem(400, 'INVALID_INPUT', 'The request body ended early: the connection was closed.'),
    };
  }
  if (bytes === undefined) return tooLarge();
  try {
    return { ok: true, text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    return { ok: false, response: problem(400, 'INVALID_INPUT', 'The file is not UTF-8 text.') };
  }
}

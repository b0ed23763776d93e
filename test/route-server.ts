// A loopback HTTP server that dispatches to Next route handlers, so tests can point official
// clients (openai, @langfuse/client, the Loom SDK) at the real handlers without a Next build.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';

type Handler = (request: Request, context: { params: Promise<Record<string, string>> }) => Promise<Response>;

export interface RouteSpec {
  /** An app path with Next's dynamic segments: `/api/v1/prompts/[id]/execute`. */
  path: string;
  handlers: Partial<Record<'GET' | 'POST', Handler>>;
}

export interface RouteServer {
  url: string;
  close(): Promise<void>;
}

function match(pattern: string, pathname: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = pathname.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const value = got[i] ?? '';
    const dynamic = /^\[(.+)\]$/.exec(part);
    // Next hands route handlers their segments still percent-encoded.
    if (dynamic?.[1]) params[dynamic[1]] = value;
    else if (part !== value) return undefined;
  }
  return params;
}

async function handle(routes: RouteSpec[], req: IncomingMessage, res: ServerResponse, origin: string) {
  const url = new URL(req.url ?? '/', origin);
  const method = (req.method ?? 'GET') as 'GET' | 'POST';
  for (const route of routes) {
    const params = match(route.path, url.pathname);
    if (!params) continue;
    const handler = route.handlers[method];
    if (!handler) break;
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const hasBody = method !== 'GET';
    const request = new Request(url, {
      method,
      headers: req.headers as Record<string, string>,
      signal: abort.signal,
      ...(hasBody ? { body: Readable.toWeb(req) as ReadableStream, duplex: 'half' } : {}),
    } as RequestInit);
    const response = await handler(request, { params: Promise.resolve(params) });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    if (response.body) {
      for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) res.write(chunk);
    }
    res.end();
    return;
  }
  res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"no such test route"}');
}

export async function startRouteServer(routes: RouteSpec[]): Promise<RouteServer> {
  let origin = '';
  const server = createServer((req, res) => {
    handle(routes, req, res, origin).catch((error: unknown) => {
      res.destroy(error instanceof Error ? error : new Error(String(error)));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url: origin,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

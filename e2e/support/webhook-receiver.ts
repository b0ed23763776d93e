import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** The address the e2e studio may deliver webhooks to (LOOM_PROVIDER_ALLOWLIST in playwright.config.ts). */
export const RECEIVER_HOST = '127.0.0.2';

export interface ReceivedWebhook {
  body: string;
  headers: Record<string, string>;
}

/**
 * A webhook receiver on loopback that records every POST and answers 200. It listens on 127.0.0.2:
 * the e2e studio allows that address only, so 127.0.0.1 stays refused for the specs that check it.
 */
export async function startWebhookReceiver() {
  const received: ReceivedWebhook[] = [];
  const server = http.createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        body: Buffer.concat(chunks).toString('utf8'),
        headers: Object.fromEntries(
          Object.entries(request.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(',') : (v ?? '')]),
        ),
      });
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end('{"received":true}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, RECEIVER_HOST, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${RECEIVER_HOST}:${port}/hooks/loom`,
    received,
    /** The parsed bodies of the requests received so far. */
    events: () => received.map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

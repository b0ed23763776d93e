// A loopback TCP proxy a test controls, to put between the app and PostgreSQL and pull the cable:
// `cut()` drops every open connection and refuses new ones until `restore()`; `cutOnNextRequest()`
// lets the next bytes from the app reach nowhere and then drops the connection, mid-request.
import net from 'node:net';

export interface TcpProxy {
  /** host:port the app should connect to. */
  readonly port: number;
  cut(): void;
  cutOnNextRequest(): void;
  restore(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open = new Set<net.Socket>();
  let down = false;
  let armed = false;

  const dropAll = () => {
    for (const socket of open) socket.destroy();
    open.clear();
  };

  const server = net.createServer((client) => {
    if (down) {
      client.destroy();
      return;
    }
    const upstream = net.connect(target.port, target.host);
    open.add(client);
    open.add(upstream);
    const forget = () => {
      open.delete(client);
      open.delete(upstream);
      client.destroy();
      upstream.destroy();
    };
    client.on('error', forget).on('close', forget);
    upstream.on('error', forget).on('close', forget);
    client.on('data', (chunk: Buffer) => {
      if (armed) {
        // The request is swallowed; the app sees its connection die while waiting for the answer.
        armed = false;
        down = true;
        dropAll();
        return;
      }
      upstream.write(chunk);
    });
    upstream.pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    cut() {
      down = true;
      dropAll();
    },
    cutOnNextRequest() {
      armed = true;
    },
    restore() {
      down = false;
      armed = false;
    },
    async close() {
      down = true;
      dropAll();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

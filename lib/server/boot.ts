import 'server-only';
import { stampClientAddresses } from './auth/client-address';
import { getDatabase } from './db';
import { getEnv } from './env';
import { installShutdown, onShutdown } from './shutdown';

// A broken database stops the start with one clear line instead of failing the first request.
try {
  stampClientAddresses(getEnv().LOOM_TRUSTED_PROXY_HOPS); // before the first request reaches Next
  const db = await getDatabase();
  console.log(
    `[loom] database ready (${db.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL'} at ${db.location})`,
  );
  // Close the database cleanly (and release the embedded one's lock) when the server is stopped,
  // after the hooks registered later (the analytics backlog) have run.
  onShutdown('database', () => db.close());
  installShutdown();
} catch (error) {
  console.error(`[loom] ${(error as Error).message}`);
  process.exit(1);
}

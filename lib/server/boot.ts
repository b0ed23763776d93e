import 'server-only';
import { stampClientAddresses } from './auth/client-address';
import { getDatabase } from './db';
import { getEnv } from './env';

// A broken database stops the start with one clear line instead of failing the first request.
try {
  stampClientAddresses(getEnv().LOOM_TRUSTED_PROXY_HOPS); // before the first request reaches Next
  const db = await getDatabase();
  console.log(
    `[loom] database ready (${db.kind === 'embedded' ? 'embedded PostgreSQL' : 'PostgreSQL'} at ${db.location})`,
  );
  // Close the embedded database cleanly (and release its lock) when the server is stopped.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void db.close().finally(() => process.exit(0));
    });
  }
} catch (error) {
  console.error(`[loom] ${(error as Error).message}`);
  process.exit(1);
}

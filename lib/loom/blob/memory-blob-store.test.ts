import { runBlobStoreContract } from '../testing/blob-contract';
import { createMemoryBlobStore } from './memory-blob-store';

runBlobStoreContract('memory', async () => ({
  store: createMemoryBlobStore({ maxBytes: 256 * 1024 }),
  maxBytes: 256 * 1024,
  cleanup: async () => undefined,
}));

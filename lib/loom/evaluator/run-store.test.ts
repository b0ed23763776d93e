import { createMemoryRunStore } from './index';
import { runRunStoreContract } from './run-store-contract';

runRunStoreContract('memory', async () => ({ store: createMemoryRunStore(), cleanup: async () => {} }));

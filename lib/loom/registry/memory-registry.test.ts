import { runRegistryContract } from '../testing/registry-contract';
import { createMemoryRegistry } from './memory-registry';

runRegistryContract('memory', async () => ({ registry: createMemoryRegistry(), cleanup: async () => {} }));

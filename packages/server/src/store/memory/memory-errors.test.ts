import { runErrorStoreContract } from '../error-contract.test-suite.js';
import { createMemoryStore } from './memory-store.js';

runErrorStoreContract('memory', async () => createMemoryStore());

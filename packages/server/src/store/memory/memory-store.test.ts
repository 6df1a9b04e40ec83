import { runStorageContract } from '../contract.test-suite.js';
import { createMemoryStore } from './memory-store.js';

runStorageContract('memory', async () => createMemoryStore());

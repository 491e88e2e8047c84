// The HTTP cases on the in-memory store.
import { memoryStorage } from '../../src/storage/memory/memory-storage.js';
import { describeHttpCases } from './api-cases.js';

describeHttpCases(
  'memory',
  async () => memoryStorage(),
  async () => {
    const storage = memoryStorage();
    return [storage, storage];
  },
);

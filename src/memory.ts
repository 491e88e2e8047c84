// Entry of `fulfillkit/memory`: the embedded, in-memory storage adapter.
export { memoryStorage } from './adapters/memory-storage.js';
export type { MemoryStorageOptions } from './adapters/memory-storage.js';

// Entry of `fulfillkit/memory`: the embedded, in-memory storage adapter.
export { memoryStorage } from './storage/memory/memory-storage.js';
export type { MemoryStorageOptions } from './storage/memory/memory-storage.js';

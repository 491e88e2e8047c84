// How the default storage reaches the memory store's code: a dynamic import,
// so that the ESM build and a host's bundler put it in a chunk of its own.
// The CommonJS build replaces this file with memory-loader-cjs.ts (see tsup.config.ts).
export const loadMemoryStorage = () => import('../storage/memory/memory-storage.js');

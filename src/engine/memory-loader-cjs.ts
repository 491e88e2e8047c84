// The CommonJS build's memory-loader.ts: a static import, because `import()`
// in CommonJS fails where a host's runtime cannot load ES modules from it
// (Jest's default CommonJS sandbox, for one), and size matters less there.
import * as memory from '../storage/memory/memory-storage.js';

export const loadMemoryStorage = async (): Promise<typeof memory> => memory;

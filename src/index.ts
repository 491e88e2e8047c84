// Public entry of fulfillkit's core.
export * from './domain/index.js';
export * from './ports/index.js';

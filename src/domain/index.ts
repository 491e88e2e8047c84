// The domain model: zod schemas, inferred types and the error type.
export * from './adapter-results.js';
export * from './address.js';
export * from './errors.js';
export * from './events.js';
export * from './intent.js';
export * from './inventory.js';
export * from './json.js';
export * from './limits.js';
export * from './location.js';
export * from './money.js';
export * from './order.js';
export * from './payment.js';
export * from './return.js';
export * from './shipment.js';
export * from './status.js';
export * from './tracking.js';
export * from './units.js';

// The ports: interfaces host applications and plugin authors implement.
export * from './carrier.js';
export * from './clock.js';
export * from './notifier.js';
export * from './payment.js';
export * from './storage.js';
export * from './instrumentation.js';
export * from './relay.js';

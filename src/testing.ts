// Entry of `fulfillkit/testing`: conformance kits for every port, a fake clock and fixtures.
export { fakeClock } from './testing/fake-clock.js';
export type { FakeClock } from './testing/fake-clock.js';
export { makeTestOrder } from './testing/fixtures.js';

// fulfillkit/nats: relay domain events to NATS JetStream. Needs the optional
// peers @nats-io/jetstream and @nats-io/transport-node (or another transport).
export { type NatsRelayOptions, natsRelay } from './nats/nats-relay.js';
export { type CloudEvent, CLOUD_EVENT_CONTENT_TYPE, encodeCloudEvent, toCloudEvent } from './relay/cloud-event.js';

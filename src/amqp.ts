// fulfillkit/amqp: relay domain events to RabbitMQ (AMQP 0-9-1) with
// publisher confirms. Needs the optional peer amqplib.
export { type AmqpRelay, type AmqpRelayOptions, amqpRelay } from './amqp/amqp-relay.js';
export { type CloudEvent, CLOUD_EVENT_CONTENT_TYPE, encodeCloudEvent, toCloudEvent } from './relay/cloud-event.js';

// The envelope fulfillkit's relays publish: a CloudEvents 1.0 event in
// structured mode (the whole envelope is the message body, JSON).
import type { DomainEvent, DomainEventType } from '../domain/events.js';

/**
 * A domain event as it travels on a broker. Field names are CloudEvents 1.0
 * attributes, so CloudEvents SDKs read it as is.
 *
 * @example
 * ```json
 * {
 *   "specversion": "1.0",
 *   "id": "evt_V1StGXR8Z5jdHi6B",
 *   "type": "shipment.shipped",
 *   "source": "fulfillkit",
 *   "subject": "ord_4f9Kx2mQp7LrT1aZ",
 *   "time": "2026-03-02T09:00:00.000Z",
 *   "datacontenttype": "application/json",
 *   "data": { "shipmentId": "shp_...", "trackingNumber": "1Z...", "trackingUrl": null }
 * }
 * ```
 */
export interface CloudEvent<T extends DomainEventType = DomainEventType> {
  specversion: '1.0';
  /** The domain event's id: the same on every delivery of it, so consumers (and JetStream) drop duplicates by it. */
  id: string;
  /** The domain event type, e.g. `order.placed`. */
  type: T;
  /** Who produced it: the relay's `source` option (a URI reference). */
  source: string;
  /** The order the event belongs to; absent for events of no order (`inventory.low_stock`). */
  subject?: string;
  /** When it happened (ISO 8601, UTC). */
  time: string;
  datacontenttype: 'application/json';
  /** The domain event's payload. */
  data: DomainEvent<T>['data'];
}

/**
 * Media type of a structured-mode CloudEvent in JSON.
 *
 * @example
 * ```ts
 * import { CLOUD_EVENT_CONTENT_TYPE } from 'fulfillkit/nats';
 * consumer.on('message', (m) => m.headers['content-type'] === CLOUD_EVENT_CONTENT_TYPE && handle(m));
 * ```
 */
export const CLOUD_EVENT_CONTENT_TYPE = 'application/cloudevents+json';

/**
 * Wrap a domain event in its envelope.
 *
 * @example
 * ```ts
 * const envelope = toCloudEvent(event, 'https://shop.example/fulfillment');
 * ```
 */
export function toCloudEvent<T extends DomainEventType>(event: DomainEvent<T>, source: string): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: event.id,
    type: event.type,
    source,
    ...(event.orderId === null ? {} : { subject: event.orderId }),
    time: event.at,
    datacontenttype: 'application/json',
    data: event.data,
  } as CloudEvent<T>;
}

/**
 * The envelope as message bytes (UTF-8 JSON).
 *
 * @example
 * ```ts
 * import { encodeCloudEvent, toCloudEvent } from 'fulfillkit/nats';
 * const bytes = encodeCloudEvent(toCloudEvent(event, 'https://shop.example/fulfillment'));
 * ```
 */
export function encodeCloudEvent(envelope: CloudEvent): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(envelope));
}

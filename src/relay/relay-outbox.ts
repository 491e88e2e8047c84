// With a relay configured, every order write also appends one `relay` outbox
// message per domain event, in the same atomic step, streamed by order so the
// outbox hands an order's events out one at a time and in order.
import type { DomainEvent } from '../domain/events.js';
import type { OrderWrite, OutboxMessageInput, StorageAdapter } from '../ports/storage.js';

/** Outbox key of an event's relay message: one message per event, however often the write is retried. */
export function relayKey(eventId: string): string {
  return `relay:${eventId}`;
}

/** Outbox stream of an order's relay messages. */
export function relayStream(orderId: string): string {
  return `order:${orderId}`;
}

/** The relay messages for `events`, in their order. */
export function relayMessages(events: readonly DomainEvent[]): OutboxMessageInput[] {
  return events.map((event) => ({
    topic: 'relay',
    key: relayKey(event.id),
    payload: event,
    ...(event.orderId === null ? {} : { stream: relayStream(event.orderId) }),
  }));
}

/**
 * `storage` with relay messages added to every order write. Only the two
 * order writes change; everything else is the adapter's own method.
 */
export function withRelayOutbox(storage: StorageAdapter): StorageAdapter {
  const addRelay = (write: OrderWrite): OrderWrite =>
    write.events?.length ? { ...write, outbox: [...(write.outbox ?? []), ...relayMessages(write.events)] } : write;
  return new Proxy(storage, {
    get(target, property, receiver) {
      if (property === 'createOrder') return (write: OrderWrite) => target.createOrder(addRelay(write));
      if (property === 'updateOrder') return (write: OrderWrite, expectedVersion: number) => target.updateOrder(addRelay(write), expectedVersion);
      const value = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

// With a relay configured, every order write also appends one `relay` outbox
// message carrying that write's domain events, in the same atomic step,
// streamed by order so the outbox hands an order's writes out one at a time.
import type { DomainEvent } from '../domain/events.js';
import type { OrderWrite, OutboxMessageInput, StorageAdapter } from '../ports/storage.js';

/** Payload of a relay message: the events of one write, oldest first. */
export interface RelayPayload {
  events: DomainEvent[];
}

/** Outbox key of a write's relay message, named by its first event: one message per write, however often the write is retried. */
export function relayKey(eventId: string): string {
  return `relay:${eventId}`;
}

/** Outbox stream of an order's relay messages. */
export function relayStream(orderId: string): string {
  return `order:${orderId}`;
}

/**
 * The relay messages for one write's `events`: one per order they belong to
 * (an order write's events all belong to its order), events in their order.
 */
export function relayMessages(events: readonly DomainEvent[]): OutboxMessageInput[] {
  const byOrder = new Map<string | null, DomainEvent[]>();
  for (const event of events) {
    const list = byOrder.get(event.orderId);
    if (list === undefined) byOrder.set(event.orderId, [event]);
    else list.push(event);
  }
  const messages: OutboxMessageInput[] = [];
  for (const [orderId, list] of byOrder) {
    const payload: RelayPayload = { events: list };
    messages.push({ topic: 'relay', key: relayKey((list[0] as DomainEvent).id), payload, ...(orderId === null ? {} : { stream: relayStream(orderId) }) });
  }
  return messages;
}

/**
 * `storage` with relay messages added to every order write. Only the two
 * order writes change; everything else is the adapter's own method.
 */
export function withRelayOutbox(storage: StorageAdapter): StorageAdapter {
  const addRelay = (write: OrderWrite): OrderWrite =>
    write.events?.length ? { ...write, outbox: [...(write.outbox ?? []), ...relayMessages(write.events)] } : write;
  const own: Partial<StorageAdapter> = {
    createOrder: (write) => storage.createOrder(addRelay(write)),
    updateOrder: (write, expectedVersion) => storage.updateOrder(addRelay(write), expectedVersion),
  };
  // Bound once per method, and again when the adapter swaps one (the lazily loaded default store does).
  const bound = new Map<PropertyKey, { value: (...args: unknown[]) => unknown; fn: unknown }>();
  return new Proxy(storage, {
    get(target, property) {
      if (property === 'createOrder' || property === 'updateOrder') return own[property];
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      const cached = bound.get(property);
      if (cached !== undefined && cached.value === value) return cached.fn;
      const fn = value.bind(target);
      bound.set(property, { value, fn });
      return fn;
    },
  });
}

// Optimistic read-modify-write of one order: reload and reapply on a version
// conflict, so concurrent commands on one order serialize without locks.
import type { DomainEvent } from '../domain/events.js';
import { FulfillmentError, isFulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import type { OrderWrite, OutboxMessageInput } from '../ports/storage.js';
import type { EngineContext } from './context.js';
import { collectHostActions, withHostActionMessages } from './host-actions.js';
import { indexUpdate, noteStored } from './order-index.js';

/** What a mutation wants written. Return `null` from the mutator to write nothing. */
export interface OrderChange {
  order: Order;
  events?: DomainEvent[];
  outbox?: OutboxMessageInput[];
  /** Reservation re-timing that must land with the order write. */
  reservationExpiry?: OrderWrite['reservationExpiry'];
}

const MAX_ATTEMPTS = 8;

/** Load an order or throw `NOT_FOUND`. */
export async function loadOrder(ctx: EngineContext, orderId: string): Promise<Order> {
  const order = await ctx.storage.getOrder(orderId);
  if (!order) throw new FulfillmentError('NOT_FOUND', `Order ${orderId} not found`, { details: { orderId } });
  return noteStored(order);
}

/**
 * Apply `mutate` to the current order and store the result. The mutator gets
 * a private copy (storage hands out copies) that it edits in place and
 * returns as `order`; it returns `null`, before editing anything, when there
 * is nothing to write. It may run more than once (after a conflict) and must
 * not call adapters. A `preloaded` order is edited in place: callers pass one
 * only when they are done with it.
 */
export async function mutateOrder(
  ctx: EngineContext,
  orderId: string,
  mutate: (order: Order) => OrderChange | null,
  preloaded?: Order,
): Promise<Order> {
  let current = preloaded ?? (await loadOrder(ctx, orderId));
  for (let attempt = 1; ; attempt++) {
    const { value: change, actions } = collectHostActions(ctx, () => mutate(current));
    if (!change) return current;
    const next: Order = { ...change.order, version: current.version + 1, updatedAt: ctx.nowIso() };
    const { written, ...index } = indexUpdate(current, next);
    try {
      await ctx.storage.updateOrder(
        {
          order: next,
          ...index,
          events: change.events,
          outbox: withHostActionMessages(change.outbox, next.id, next.version, actions),
          reservationExpiry: change.reservationExpiry,
        },
        current.version,
      );
      written();
      if (change.events?.length) ctx.bus.emit(change.events);
      return next;
    } catch (err) {
      if (!isFulfillmentError(err, 'CONCURRENCY_CONFLICT') || attempt >= MAX_ATTEMPTS) throw err;
      current = await loadOrder(ctx, orderId);
    }
  }
}

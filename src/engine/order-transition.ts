// Runs the pure order machine over an order record: status, persisted
// machine state and a status-change event, without creating an actor.
import type { DomainEvent } from '../domain/events.js';
import type { Order } from '../domain/order.js';
import { type OrderMachineContext, type OrderMachineEvent, type ShipmentSummary, applyOrderEvent } from '../machines/order.js';
import { SHIPPED_STATUSES } from '../domain/status.js';
import type { EngineContext } from './context.js';
import { noteHostActions } from './host-actions.js';

/**
 * Apply one machine event to `order` in place; returns the events it caused.
 * Host actions the transition asks for go with the order write being prepared.
 */
export function transitionOrder(ctx: EngineContext, order: Order, event: OrderMachineEvent): DomainEvent[] {
  const from = order.status;
  const result = applyOrderEvent(order.machine as Parameters<typeof applyOrderEvent>[0], event, ctx.orderMachine);
  order.machine = result.state;
  order.status = result.status;
  noteHostActions(ctx, result.actions, event, (result.state.snapshot as { context: OrderMachineContext }).context);
  const events: DomainEvent[] = [];
  if (result.status === 'on_hold' && from !== 'on_hold') {
    order.hold = { reason: result.holdReason ?? 'hold', since: ctx.nowIso() };
    events.push(ctx.event('order.on_hold', order.id, { reason: order.hold.reason }));
  } else if (from === 'on_hold' && result.status !== 'on_hold') {
    order.hold = null;
    events.push(ctx.event('order.hold_released', order.id, {}));
  }
  if (from !== result.status) events.push(ctx.event('order.status_changed', order.id, { from, to: result.status }));
  return events;
}

/** What the order machine needs to know about the shipments. */
export function summarizeShipments(order: Order): ShipmentSummary {
  let active = 0;
  let shipped = 0;
  let delivered = 0;
  for (const s of order.shipments) {
    if (s.status === 'cancelled') continue;
    active++;
    if (SHIPPED_STATUSES.has(s.status)) shipped++;
    if (s.status === 'delivered') delivered++;
  }
  const backorderedUnits = order.lines.reduce((n, l) => n + l.backordered, 0);
  return { active, shipped, delivered, backorderedUnits };
}

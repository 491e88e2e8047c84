// The shipment machine: warehouse steps, hand-over, then carrier tracking to
// delivery, return to sender or cancellation before anything left.
import { setup } from 'xstate';
import type { ShipmentStatus, TrackingStatus } from '../domain/status.js';
import { applyFlatEvent } from './flat-machine.js';
import { initialMachineSnapshot, StepMemo } from './machine-step.js';

/** Every event the shipment machine understands. */
export type ShipmentMachineEvent =
  | { type: 'START_PICKING' }
  /** The picker confirmed what was found; `short` when some units were not. */
  | { type: 'CONFIRM_PICK'; short: boolean }
  | { type: 'PACK' }
  | { type: 'PURCHASE_LABEL' }
  /** The label was voided but the shipment was not cancelled (a cancellation that stopped). */
  | { type: 'LABEL_VOIDED' }
  /** The carrier took the parcel. */
  | { type: 'HAND_OVER' }
  /** A normalized carrier tracking update. */
  | { type: 'TRACKING'; status: TrackingStatus }
  | { type: 'CANCEL'; reason: string };

function scanned(...statuses: TrackingStatus[]) {
  return ({ event }: { event: ShipmentMachineEvent }) =>
    event.type === 'TRACKING' && statuses.includes(event.status);
}

// Tracking statuses that move a shipment; the rest (pending, delayed,
// on_hold, ready_for_pickup, unknown, cancelled) are recorded but change nothing.
const tracking = [
  { guard: 'scanInTransit', target: 'in_transit' },
  { guard: 'scanOutForDelivery', target: 'out_for_delivery' },
  { guard: 'scanDelivered', target: 'delivered' },
  { guard: 'scanDeliveryFailed', target: 'delivery_failed' },
  { guard: 'scanReturnToSender', target: 'returned_to_sender' },
  { actions: 'recordTrackingScan' },
] as const;

const cancel = { CANCEL: { target: 'cancelled' } } as const;

/**
 * The shipment state machine; state names are the shipment statuses.
 * `delivered`, `returned_to_sender` and `cancelled` are final. Effects are named
 * actions for the engine, each run by one executor: `recordPick` (a full pick),
 * `refundShortfall`, `releaseShortfall`, `writeOffShortfall` (a short pick), `purchaseLabel`, `handOver`
 * (capture, stock commit and the shipped record as one effect), `completeHandOver`
 * (a carrier scan before hand-over), `voidLabel` (cancelling after a label was
 * bought), `releaseAllocation`, `notifyShipped`, `notifyOutForDelivery`,
 * `notifyDelivered`, `notifyDeliveryFailed`, `notifyReturnedToSender`,
 * `recordTrackingScan`. Guards (`scanInTransit`, ...) map tracking statuses;
 * `pickedShort` tells a short pick.
 *
 * @example
 * ```ts
 * applyShipmentEvent('label_purchased', { type: 'CANCEL', reason: 'address' });
 * // { status: 'cancelled', actions: ['voidLabel', 'releaseAllocation'] }
 * ```
 */
export const shipmentMachine = setup({
  types: {} as { events: ShipmentMachineEvent },
  guards: {
    scanInTransit: scanned('picked_up', 'in_transit'),
    scanOutForDelivery: scanned('out_for_delivery'),
    scanDelivered: scanned('delivered'),
    scanDeliveryFailed: scanned('delivery_failed'),
    scanReturnToSender: scanned('return_to_sender'),
    pickedShort: ({ event }) => event.type === 'CONFIRM_PICK' && event.short,
  },
  actions: {
    recordPick: () => {},
    refundShortfall: () => {},
    releaseShortfall: () => {},
    writeOffShortfall: () => {},
    purchaseLabel: () => {},
    handOver: () => {},
    completeHandOver: () => {},
    voidLabel: () => {},
    releaseAllocation: () => {},
    notifyShipped: () => {},
    notifyOutForDelivery: () => {},
    notifyDelivered: () => {},
    notifyDeliveryFailed: () => {},
    notifyReturnedToSender: () => {},
    recordTrackingScan: () => {},
  },
  actors: {},
}).createMachine({
  id: 'shipment',
  initial: 'pending',
  states: {
    pending: { on: { START_PICKING: 'picking', ...cancel } },
    picking: {
      on: {
        // Units not found: money back for them (when the policy cancels them), their hold
        // released, and on-hand written down, since the count was wrong.
        CONFIRM_PICK: [{ guard: 'pickedShort', actions: ['refundShortfall', 'releaseShortfall', 'writeOffShortfall'] }, { actions: 'recordPick' }],
        PACK: 'packed',
        ...cancel,
      },
    },
    packed: { on: { PURCHASE_LABEL: { target: 'label_purchased', actions: 'purchaseLabel' }, ...cancel } },
    label_purchased: {
      on: {
        HAND_OVER: { target: 'shipped', actions: 'handOver' },
        // A scan proves the carrier has the parcel: the engine completes the
        // hand-over (capture, stock commit), and only that moves the shipment.
        TRACKING: { actions: 'completeHandOver' },
        LABEL_VOIDED: 'packed',
        CANCEL: { target: 'cancelled', actions: 'voidLabel' },
      },
    },
    shipped: { entry: 'notifyShipped', on: { TRACKING: tracking } },
    in_transit: { on: { TRACKING: tracking } },
    out_for_delivery: { entry: 'notifyOutForDelivery', on: { TRACKING: tracking } },
    delivery_failed: { entry: 'notifyDeliveryFailed', on: { TRACKING: tracking } },
    delivered: { type: 'final', entry: 'notifyDelivered' },
    returned_to_sender: { type: 'final', entry: 'notifyReturnedToSender' },
    cancelled: { type: 'final', entry: 'releaseAllocation' },
  },
});

const shipmentMemo = new StepMemo<{ status: ShipmentStatus; actions: string[] }>();

/** The type of {@link shipmentMachine}, and of any `.provide()`d variant of it. */
export type ShipmentMachine = typeof shipmentMachine;

/**
 * Apply one event to a shipment status, purely. Throws `INVALID_TRANSITION`
 * (`details: { status, event }`) when the status does not accept the event.
 *
 * @param machine - A `.provide()`d variant, by default `shipmentMachine`.
 *
 * @example
 * ```ts
 * applyShipmentEvent('shipped', { type: 'TRACKING', status: 'out_for_delivery' });
 * // { status: 'out_for_delivery', actions: ['notifyOutForDelivery'] }
 * ```
 */
export function applyShipmentEvent(
  status: ShipmentStatus,
  event: ShipmentMachineEvent,
  machine: ShipmentMachine = shipmentMachine,
): { status: ShipmentStatus; actions: string[] } {
  // The default machine's guards read only the event, so its steps can be remembered.
  return applyFlatEvent('shipment', machine, status, event, machine === shipmentMachine ? shipmentMemo : undefined);
}

/**
 * The status a new shipment starts in: `pending`.
 *
 * @example
 * ```ts
 * initialShipmentStatus(); // 'pending'
 * ```
 */
export function initialShipmentStatus(machine: ShipmentMachine = shipmentMachine): ShipmentStatus {
  return initialMachineSnapshot(machine).next.value as ShipmentStatus;
}

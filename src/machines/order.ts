// Applying events to an order's stored machine state: pure, versioned, and
// without an actor per command.
import { FulfillmentError } from '../domain/errors.js';
import { ORDER_STATUSES, type OrderStatus } from '../domain/status.js';
import { initialMachineSnapshot, StepMemo, stepMachine } from './machine-step.js';
import {
  ORDER_MACHINE_VERSION,
  type OrderMachine,
  type OrderMachineContext,
  type OrderMachineEvent,
  orderMachine,
} from './order-machine.js';
import { type PersistedMachineSnapshot, persistSnapshot, restoreSnapshot } from './persisted-snapshot.js';

export * from './order-machine.js';

/** An order's machine position as stored on the order (`order.machine`). */
export interface OrderMachineState {
  /** {@link ORDER_MACHINE_VERSION} of the definition that wrote it. */
  version: number;
  /** The persisted snapshot: plain JSON, a `PersistedMachineSnapshot`. */
  snapshot: unknown;
}

/** The outcome of {@link applyOrderEvent}. */
export interface OrderTransition {
  /** The state to store. */
  state: OrderMachineState;
  /** The order status after the event. */
  status: OrderStatus;
  /** Why the order is on hold, or `null` when it is not on hold. */
  holdReason: string | null;
  /** Names of the effects the transition asks the engine to run, in order. */
  actions: string[];
}

/**
 * Upgrades from one machine version to the next, keyed by the version they
 * read. Empty while only version 1 exists; a breaking change to the machine
 * bumps {@link ORDER_MACHINE_VERSION} and adds an entry here.
 *
 * @example
 * ```ts
 * // What a version-2 upgrade would look like: { 1: (snapshot) => renameState(snapshot) }
 * Object.keys(orderSnapshotMigrations); // []
 * ```
 */
export const orderSnapshotMigrations: Readonly<Record<number, (snapshot: unknown) => unknown>> = {};

const statusSet: ReadonlySet<string> = new Set(ORDER_STATUSES);

// The status is the deepest state name that is a status: `{ unshipped:
// 'processing' }` is processing, `{ on_hold: 'review' }` is on_hold.
function statusOfValue(value: unknown): OrderStatus | null {
  let found: OrderStatus | null = null;
  while (value !== null && value !== undefined) {
    if (typeof value === 'string') return statusSet.has(value) ? (value as OrderStatus) : found;
    if (typeof value !== 'object') return null;
    const key = Object.keys(value)[0];
    if (key === undefined) return found;
    if (statusSet.has(key)) found = key as OrderStatus;
    value = (value as Record<string, unknown>)[key];
  }
  return found;
}

function migrate(state: OrderMachineState): unknown {
  let { version, snapshot } = state;
  while (version !== ORDER_MACHINE_VERSION) {
    const upgrade = Object.hasOwn(orderSnapshotMigrations, version) ? orderSnapshotMigrations[version] : undefined;
    if (!upgrade) {
      throw new FulfillmentError(
        'INVALID_TRANSITION',
        `Order machine state version ${state.version} cannot be read by version ${ORDER_MACHINE_VERSION}`,
        { details: { version: state.version, expected: ORDER_MACHINE_VERSION, reason: 'version_mismatch' } },
      );
    }
    snapshot = upgrade(snapshot);
    version += 1;
  }
  return snapshot;
}

function settle(snapshot: PersistedMachineSnapshot): Omit<OrderTransition, 'actions'> {
  const status = statusOfValue(snapshot.value);
  if (!status) throw new TypeError(`State ${JSON.stringify(snapshot.value)} has no order status`);
  const context = snapshot.context as unknown as OrderMachineContext;
  return {
    state: { version: ORDER_MACHINE_VERSION, snapshot },
    status,
    holdReason: status === 'on_hold' ? context.holdReason : null,
  };
}

/**
 * The stored state of a new order: `pending_payment`.
 *
 * @param machine - The machine to start, by default `orderMachine`; pass your
 *   `.provide()`d variant if you have one.
 *
 * @example
 * ```ts
 * const { state, status } = initialOrderState(); // status === 'pending_payment'
 * ```
 */
export function initialOrderState(machine: OrderMachine = orderMachine): {
  state: OrderMachineState;
  status: OrderStatus;
} {
  let json = initialJson.get(machine);
  if (json === undefined) {
    json = JSON.stringify(persistSnapshot(initialMachineSnapshot(machine).next));
    initialJson.set(machine, json);
  }
  const { state, status } = settle(JSON.parse(json));
  return { state, status };
}

const initialJson = new WeakMap<OrderMachine, string>();

/**
 * Apply one event to an order's stored machine state, purely: nothing runs,
 * nothing is mutated. The returned `actions` name the effects the engine should
 * run. Throws `INVALID_TRANSITION` when the current status does not accept the
 * event (`details: { status, event }`), or when the stored state was written by
 * a machine version this one cannot read.
 *
 * @example
 * ```ts
 * const placed = initialOrderState();
 * const next = applyOrderEvent(placed.state, { type: 'PAYMENT_AUTHORIZED', backordered: false });
 * next.status; // 'processing'
 * next.actions; // ['startFulfillment']
 * ```
 */
export function applyOrderEvent(
  state: OrderMachineState,
  event: OrderMachineEvent,
  machine: OrderMachine = orderMachine,
): OrderTransition {
  const persisted = migrate(state);
  const stateKey = JSON.stringify(persisted);
  // Only the default machine's guards are known to read nothing but the
  // snapshot and the event (and `canProcess` ignores the attached order).
  const memoKey = machine === orderMachine ? `${stateKey} ${eventKey(event)}` : undefined;
  const known = memoKey === undefined ? undefined : memo.get(memoKey);
  if (known) return replay(known);
  const current = restoreSnapshot(machine, persisted, stateKey);
  const step = stepMachine(machine, current, event);
  if (!step) {
    const status = statusOfValue(current.value);
    throw new FulfillmentError('INVALID_TRANSITION', `An order in status '${status}' does not accept ${event.type}`, {
      details: { status, event: event.type },
    });
  }
  const result = { ...settle(persistSnapshot(step.next)), actions: step.actions };
  if (memoKey !== undefined) {
    memo.set(memoKey, { ...result, json: JSON.stringify(result.state.snapshot), actions: [...result.actions] });
  }
  return result;
}

interface RememberedTransition extends OrderTransition {
  json: string;
}

const memo = new StepMemo<RememberedTransition>();

function eventKey(event: OrderMachineEvent): string {
  return event.type === 'PAYMENT_AUTHORIZED' ? `PAYMENT_AUTHORIZED ${event.backordered}` : JSON.stringify(event);
}

// Callers own what they get back, so a remembered result is copied out.
function replay(known: RememberedTransition): OrderTransition {
  return {
    state: { version: ORDER_MACHINE_VERSION, snapshot: JSON.parse(known.json) },
    status: known.status,
    holdReason: known.holdReason,
    actions: [...known.actions],
  };
}

/**
 * The order status a stored machine state stands for, without restoring it.
 * Throws `INVALID_TRANSITION` when the state is unreadable.
 *
 * @example
 * ```ts
 * orderStatusOf(order.machine); // 'processing'
 * ```
 */
export function orderStatusOf(state: OrderMachineState): OrderStatus {
  const snapshot = migrate(state) as Partial<PersistedMachineSnapshot> | null;
  const status = statusOfValue(snapshot?.value);
  if (!status) {
    throw new FulfillmentError('INVALID_TRANSITION', 'The stored order state names no order status', {
      details: { reason: 'unreadable_snapshot' },
    });
  }
  return status;
}

// Host actions: implementations a host gives the order machine's effects
// through `orderMachine.provide({ actions })`. The engine's own executor of
// each effect still runs; the host's runs in addition, after the order write
// that took the transition, at least once, from an `action` outbox message
// appended in that same write.
import { FulfillmentError } from '../domain/errors.js';
import type { Order } from '../domain/order.js';
import { type OrderMachine, type OrderMachineContext, type OrderMachineEvent, orderMachine as defaultOrderMachine } from '../machines/order.js';
import type { OutboxMessage, OutboxMessageInput } from '../ports/storage.js';
import { callAdapter } from './adapter-call.js';
import type { EngineContext } from './context.js';

/**
 * What a host action receives, besides XState's usual `context` and `event`:
 * the order as stored when the action is delivered (it may be newer than the
 * transition; `version` names the write that took it), and the action's name.
 * An action runs at least once: key anything external by `orderId`, `version`
 * and `action`.
 */
export interface HostActionArgs {
  /** The machine context right after the transition. */
  context: OrderMachineContext;
  /** The event that took the transition (without an attached `order`). */
  event: OrderMachineEvent;
  /** The action's name, e.g. `startFulfillment`. */
  action: string;
  orderId: string;
  /** The order version whose write recorded the transition. */
  version: number;
  /** The order as stored at delivery. */
  order: Order;
}

/** The payload of an `action` outbox message. */
export interface HostActionPayload {
  action: string;
  orderId: string;
  version: number;
  event: OrderMachineEvent;
  context: OrderMachineContext;
}

type Implementation = (args: HostActionArgs, params: unknown) => unknown;

// Actions that keep the machine's own context (assign): a host replacing one
// would change what the machine remembers, not add a reaction.
const CONTEXT_ACTIONS: ReadonlySet<string> = new Set(['recordHold', 'holdForReview', 'clearHold']);

/**
 * The host's implementations in a `.provide()`d order machine, by action name.
 * Refuses with `CONFIGURATION_ERROR` a name the machine does not have
 * (`details.unknown`) and a replacement of an action that keeps the machine's
 * context (`details.actions`). Empty for the default machine.
 */
export function hostActionsOf(machine: OrderMachine | undefined): ReadonlyMap<string, Implementation> {
  const found = new Map<string, Implementation>();
  if (machine === undefined || machine === defaultOrderMachine) return found;
  const given = machine.implementations.actions as Record<string, unknown>;
  const ours = defaultOrderMachine.implementations.actions as Record<string, unknown>;
  const unknown = Object.keys(given).filter((name) => !Object.hasOwn(ours, name));
  if (unknown.length > 0) {
    throw new FulfillmentError(
      'CONFIGURATION_ERROR',
      `orderMachine.provide({ actions }) names actions the order machine does not have: ${unknown.join(', ')}`,
      { details: { unknown, known: Object.keys(ours).filter((name) => !CONTEXT_ACTIONS.has(name)) } },
    );
  }
  const replaced = Object.keys(given).filter((name) => given[name] !== ours[name]);
  const bookkeeping = replaced.filter((name) => CONTEXT_ACTIONS.has(name));
  if (bookkeeping.length > 0) {
    throw new FulfillmentError(
      'CONFIGURATION_ERROR',
      `orderMachine.provide({ actions }) may not replace ${bookkeeping.join(', ')}: they keep the order machine's own context`,
      { details: { actions: bookkeeping } },
    );
  }
  for (const name of replaced) {
    const implementation = given[name];
    if (typeof implementation !== 'function') {
      throw new FulfillmentError('CONFIGURATION_ERROR', `orderMachine.provide({ actions }): ${name} must be a function`, { details: { actions: [name] } });
    }
    // XState's built-in actions (assign, raise, sendTo, ...) act on the machine itself while it steps.
    const builtIn = (implementation as { type?: unknown }).type;
    if (typeof builtIn === 'string' && builtIn.startsWith('xstate.')) {
      throw new FulfillmentError(
        'CONFIGURATION_ERROR',
        `orderMachine.provide({ actions }): ${name} must be a plain function, not the built-in ${builtIn}: a host action reacts after the write and cannot change the machine`,
        { details: { actions: [name] } },
      );
    }
    found.set(name, implementation as Implementation);
  }
  return found;
}

// The transitions taken while one order write is being prepared. Mutators are
// synchronous, so the collection open at a transition is the one of the write
// it belongs to.
interface Collection {
  pending: { action: string; event: OrderMachineEvent; context: OrderMachineContext }[];
}
const open = new WeakMap<EngineContext, Collection>();

/**
 * Run `prepare` (synchronous: it decides one order write) and return what it
 * returned with the host actions its transitions asked for. Costs nothing when
 * the host provided no actions.
 */
export function collectHostActions<T>(ctx: EngineContext, prepare: () => T): { value: T; actions: Collection['pending'] } {
  if (ctx.hostActions.size === 0) return { value: prepare(), actions: [] };
  const outer = open.get(ctx);
  const collection: Collection = { pending: [] };
  open.set(ctx, collection);
  try {
    return { value: prepare(), actions: collection.pending };
  } finally {
    if (outer) open.set(ctx, outer);
    else open.delete(ctx);
  }
}

/** Note the host actions among a transition's actions, for the write being prepared. */
export function noteHostActions(ctx: EngineContext, actions: readonly string[], event: OrderMachineEvent, context: OrderMachineContext): void {
  if (ctx.hostActions.size === 0) return;
  const provided = actions.filter((name) => ctx.hostActions.has(name));
  if (provided.length === 0) return;
  const collection = open.get(ctx);
  // A transition outside an order write would lose its host actions: an engine bug, said loudly.
  if (!collection) throw new Error(`order transition ${event.type} taken outside an order write: host actions ${provided.join(', ')} would be lost`);
  const { order: _attached, ...plain } = event as OrderMachineEvent & { order?: unknown };
  for (const action of provided) collection.pending.push({ action, event: plain as OrderMachineEvent, context: { ...context } });
}

/** The outbox messages that deliver `actions` after the write of `orderId` at `version`. */
export function hostActionMessages(orderId: string, version: number, actions: Collection['pending']): OutboxMessageInput[] {
  return actions.map((a, i) => ({
    topic: 'action',
    key: `action:${orderId}:${version}:${i}`,
    // One order's actions run in the order their transitions were taken.
    stream: `action:${orderId}`,
    payload: { action: a.action, orderId, version, event: a.event, context: a.context } satisfies HostActionPayload,
  }));
}

/** Append host action messages to a write's outbox, keeping it `undefined` when there are none. */
export function withHostActionMessages(
  outbox: OutboxMessageInput[] | undefined,
  orderId: string,
  version: number,
  actions: Collection['pending'],
): OutboxMessageInput[] | undefined {
  if (actions.length === 0) return outbox;
  return [...(outbox ?? []), ...hostActionMessages(orderId, version, actions)];
}

/**
 * Deliver one `action` message: run the host's implementation with the order
 * as stored now. A throw (or rejection) is retried by the outbox with backoff.
 * Returns why the message can never be delivered (the action is no longer
 * provided, the order is gone), so that it parks, or `null` once it ran.
 */
export async function runHostAction(ctx: EngineContext, message: OutboxMessage): Promise<string | null> {
  const payload = message.payload as HostActionPayload;
  const implementation = ctx.hostActions.get(payload.action);
  if (!implementation) return `host action ${payload.action} is not provided by this engine's order machine`;
  const order = await ctx.storage.getOrder(payload.orderId);
  if (!order) return `order ${payload.orderId} of host action ${payload.action} not found`;
  const args: HostActionArgs = { ...payload, order };
  await callAdapter(`action.${payload.action}`, { ...ctx.policy.retry, retries: 0 }, async () => {
    await implementation(args, undefined);
  });
  return null;
}

/**
 * Type a host action for `orderMachine.provide({ actions })` with what the
 * engine passes it: the order, its id and version besides `context` and `event`.
 *
 * @example
 * ```ts
 * const machine = orderMachine.provide({
 *   actions: {
 *     startFulfillment: hostAction(async ({ order, version }) => {
 *       await warehouse.announce(order.id, { idempotencyKey: `${order.id}:${version}` });
 *     }),
 *   },
 * });
 * ```
 */
export function hostAction(run: (args: HostActionArgs) => unknown): (args: { event: OrderMachineEvent }) => void {
  return run as unknown as (args: { event: OrderMachineEvent }) => void;
}

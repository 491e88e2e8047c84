// With instrumentation configured, every command of the facade runs inside
// `instrumentation.command`, named `namespace.method`, with the ids its
// arguments name as attributes.
import type { Instrumentation, TelemetryAttributes } from '../ports/instrumentation.js';

// Which attribute the first (string) argument of a command is, by command.
const FIRST_ARGUMENT: Record<string, string> = {
  'orders.get': 'fulfillkit.order.id',
  'orders.cancel': 'fulfillkit.order.id',
  'orders.hold': 'fulfillkit.order.id',
  'orders.releaseHold': 'fulfillkit.order.id',
  'orders.retryPayment': 'fulfillkit.order.id',
  'orders.syncPayment': 'fulfillkit.order.id',
  'orders.history': 'fulfillkit.order.id',
  'fulfillment.confirmPick': 'fulfillkit.shipment.id',
  'fulfillment.pack': 'fulfillkit.shipment.id',
  'fulfillment.ship': 'fulfillkit.shipment.id',
  'tracking.handleWebhook': 'fulfillkit.carrier.id',
  'returns.request': 'fulfillkit.order.id',
  'returns.approve': 'fulfillkit.return.id',
  'returns.receive': 'fulfillkit.return.id',
  'inventory.level': 'fulfillkit.sku',
  'inventory.ledger': 'fulfillkit.sku',
};

const COMMAND_GROUPS = ['inventory', 'orders', 'fulfillment', 'tracking', 'returns', 'outbox'] as const;

/** The attributes a command's arguments name. */
export function commandAttributes(name: string, args: readonly unknown[]): TelemetryAttributes {
  const attributes: TelemetryAttributes = {};
  const first = FIRST_ARGUMENT[name];
  if (first !== undefined && typeof args[0] === 'string') attributes[first] = args[0];
  const input = (first === undefined ? args[0] : args[1]) as Record<string, unknown> | undefined;
  if (input !== null && typeof input === 'object') {
    if (typeof input.sku === 'string') attributes['fulfillkit.sku'] = input.sku;
    if (typeof input.locationId === 'string') attributes['fulfillkit.location.id'] = input.locationId;
    if (typeof input.carrier === 'string') attributes['fulfillkit.carrier.id'] = input.carrier;
    if (typeof input.carrierId === 'string') attributes['fulfillkit.carrier.id'] = input.carrierId;
    if (typeof input.shipmentId === 'string') attributes['fulfillkit.shipment.id'] = input.shipmentId;
  }
  return attributes;
}

/** Wrap every command of `facade` (in place) and its `sweep` with `instrumentation.command`. */
export function instrumentCommands<F extends object>(instrumentation: Instrumentation, facade: F): F {
  const groups = facade as unknown as Record<string, Record<string, unknown>>;
  for (const group of COMMAND_GROUPS) {
    const methods = groups[group];
    if (methods === undefined) continue;
    for (const [method, fn] of Object.entries(methods)) {
      if (typeof fn !== 'function') continue;
      const name = `${group}.${method}`;
      methods[method] = (...args: unknown[]) => instrumentation.command(name, commandAttributes(name, args), () => fn(...args));
    }
  }
  const root = facade as unknown as Record<string, unknown>;
  const sweep = root.sweep as () => Promise<unknown>;
  root.sweep = () => instrumentation.command('sweep', {}, sweep);
  return facade;
}

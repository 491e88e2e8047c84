// With instrumentation configured, every command of the facade runs inside
// `instrumentation.command`, named `namespace.method`, with the ids its
// arguments name as attributes.
import type { Instrumentation, TelemetryAttributes } from '../ports/instrumentation.js';

const COMMAND_GROUPS = ['inventory', 'orders', 'fulfillment', 'tracking', 'returns', 'outbox'] as const;

// What a command's first argument names when it is a string, by group (and the exceptions).
function firstArgument(group: string, method: string): string {
  if (group === 'orders' || (group === 'returns' && method === 'request')) return 'order.id';
  if (group === 'returns') return 'return.id';
  if (group === 'fulfillment') return 'shipment.id';
  if (group === 'tracking') return 'carrier.id';
  return 'sku';
}

const INPUT_FIELDS: Record<string, string> = {
  sku: 'sku',
  locationId: 'location.id',
  carrier: 'carrier.id',
  carrierId: 'carrier.id',
  shipmentId: 'shipment.id',
};

/** The attributes a command's arguments name (`fulfillkit.order.id`, `fulfillkit.shipment.id`, ...). */
export function commandAttributes(group: string, method: string, args: readonly unknown[]): TelemetryAttributes {
  const attributes: TelemetryAttributes = {};
  const [first, second] = args;
  if (typeof first === 'string') attributes[`fulfillkit.${firstArgument(group, method)}`] = first;
  const input = typeof first === 'string' ? second : first;
  if (input !== null && typeof input === 'object') {
    for (const [field, name] of Object.entries(INPUT_FIELDS)) {
      const value = (input as Record<string, unknown>)[field];
      if (typeof value === 'string') attributes[`fulfillkit.${name}`] = value;
    }
  }
  return attributes;
}

/** Wrap every command of `facade` (in place) and its `sweep` with `instrumentation.command`. */
export function instrumentCommands<F extends object>(instrumentation: Instrumentation, facade: F): F {
  const root = facade as unknown as Record<string, Record<string, unknown>>;
  for (const group of COMMAND_GROUPS) {
    const methods = root[group] ?? {};
    for (const [method, fn] of Object.entries(methods)) {
      if (typeof fn !== 'function') continue;
      methods[method] = (...args: unknown[]) => instrumentation.command(`${group}.${method}`, commandAttributes(group, method, args), () => fn(...args));
    }
  }
  const sweep = root.sweep as unknown as () => Promise<unknown>;
  (root as Record<string, unknown>).sweep = () => instrumentation.command('sweep', {}, sweep);
  return facade;
}

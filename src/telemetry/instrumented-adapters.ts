// With instrumentation configured, every port method of every adapter runs
// inside `instrumentation.adapterCall`, so a span or timer sees each attempt
// with the adapter's id and the attempt number.
import { currentAttempt } from '../engine/adapter-call.js';
import type { AdapterCallInfo, Instrumentation } from '../ports/instrumentation.js';

const PORT_METHODS: Record<AdapterCallInfo['kind'], readonly string[]> = {
  carrier: ['getRates', 'createShipment', 'voidShipment', 'track', 'validateAddress', 'parseWebhook'],
  payment: ['authorize', 'capture', 'void', 'refund', 'retrieve', 'parseWebhook'],
  notifier: ['send'],
  relay: ['publish'],
};

/** `adapter` with its port methods wrapped by `instrumentation.adapterCall`; other members pass through. */
export function instrumentAdapter<A extends { readonly id: string }>(instrumentation: Instrumentation, kind: AdapterCallInfo['kind'], adapter: A): A {
  const methods = PORT_METHODS[kind];
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(adapter, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string' || !methods.includes(property)) return value;
      let fn = wrapped.get(property);
      if (fn === undefined) {
        fn = (...args: unknown[]) => {
          // Read before anything awaits: the attempt belongs to the call starting now.
          const call: AdapterCallInfo = { kind, adapterId: target.id, method: property, attempt: currentAttempt(), ...namedIds(args[0]) };
          return instrumentation.adapterCall(call, async () => value.apply(target, args));
        };
        wrapped.set(property, fn);
      }
      return fn;
    },
  });
}

// The order and shipment a request names (authorize, label, rate and relay requests do).
function namedIds(request: unknown): { orderId?: string; shipmentId?: string } {
  if (request === null || typeof request !== 'object') return {};
  const { orderId, shipmentId } = request as { orderId?: unknown; shipmentId?: unknown };
  return { ...(typeof orderId === 'string' ? { orderId } : {}), ...(typeof shipmentId === 'string' ? { shipmentId } : {}) };
}

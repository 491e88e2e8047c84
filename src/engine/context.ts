// What every command needs: adapters, policy, clock, ids and the event bus.
import type { HostActionArgs } from './host-actions.js';
import { nanoid } from 'nanoid';
import type { DomainEvent, DomainEventMap, DomainEventType } from '../domain/events.js';
import type { Location } from '../domain/location.js';
import type { Box } from '../domain/shipment.js';
import type { OrderMachine } from '../machines/order.js';
import type { CarrierAdapter } from '../ports/carrier.js';
import type { Clock } from '../ports/clock.js';
import type { NotificationAdapter } from '../ports/notifier.js';
import type { Instrumentation } from '../ports/instrumentation.js';
import type { PaymentAdapter } from '../ports/payment.js';
import type { EventRelay } from '../ports/relay.js';
import type { StorageAdapter } from '../ports/storage.js';
import type { FulfillmentPolicy } from './config.js';
import type { EventBus } from './event-bus.js';
import type { LevelsCache } from './levels-cache.js';

/** Shared state of one `createFulfillment` instance. */
export interface EngineContext {
  storage: StorageAdapter;
  locations: Map<string, Location>;
  locationList: Location[];
  carriers: Map<string, CarrierAdapter>;
  payments: PaymentAdapter | null;
  notifiers: NotificationAdapter[];
  boxes: Box[];
  policy: FulfillmentPolicy;
  clock: Clock;
  orderMachine: OrderMachine | undefined;
  /** Host implementations of the order machine's actions, by name; empty when none were provided. */
  hostActions: ReadonlyMap<string, (args: HostActionArgs, params: unknown) => unknown>;
  bus: EventBus;
  /** Where outbox events are published, or `null`. */
  relay: EventRelay | null;
  /** Telemetry hooks, or `null`. */
  instrumentation: Instrumentation | null;
  levelsCache: LevelsCache;
  /** Report a failure of follow-up work that must not fail the command. */
  reportError(error: unknown, operation: string): void;
  id(prefix: string): string;
  nowIso(): string;
  event<T extends DomainEventType>(type: T, orderId: string | null, data: DomainEventMap[T]): DomainEvent<T>;
}

/** Default id generator: a prefix and 16 url-safe random characters. */
export function defaultGenerateId(prefix: string): string {
  return `${prefix}_${nanoid(16)}`;
}

/** Build the event factory bound to a clock and id generator. */
export function eventFactory(clock: Clock, id: (prefix: string) => string): EngineContext['event'] {
  return (type, orderId, data) =>
    ({ id: id('evt'), type, orderId, at: clock.now().toISOString(), data }) as DomainEvent<typeof type>;
}
